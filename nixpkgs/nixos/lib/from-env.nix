# Value of an environment variable, or a default.
name: default:
let v = builtins.getEnv name; in if v == "" then default else v
