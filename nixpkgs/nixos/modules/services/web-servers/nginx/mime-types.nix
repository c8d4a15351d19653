# Media types nginx announces by file extension (/etc/nginx/mime.types): a compact table of
# the common web formats.
{
  "text/html" = [ "html" "htm" "shtml" ];
  "text/css" = [ "css" ];
  "text/xml" = [ "xml" ];
  "text/plain" = [ "txt" ];
  "text/markdown" = [ "md" ];
  "text/csv" = [ "csv" ];
  "text/javascript" = [ "js" "mjs" ];
  "application/json" = [ "json" ];
  "application/manifest+json" = [ "webmanifest" ];
  "application/wasm" = [ "wasm" ];
  "application/pdf" = [ "pdf" ];
  "application/zip" = [ "zip" ];
  "application/gzip" = [ "gz" ];
  "application/x-tar" = [ "tar" ];
  "application/rss+xml" = [ "rss" ];
  "application/atom+xml" = [ "atom" ];
  "application/xhtml+xml" = [ "xhtml" ];
  "application/octet-stream" = [ "bin" "exe" "dll" "iso" "img" "deb" ];
  "image/png" = [ "png" ];
  "image/jpeg" = [ "jpeg" "jpg" ];
  "image/gif" = [ "gif" ];
  "image/svg+xml" = [ "svg" "svgz" ];
  "image/webp" = [ "webp" ];
  "image/avif" = [ "avif" ];
  "image/x-icon" = [ "ico" ];
  "font/woff" = [ "woff" ];
  "font/woff2" = [ "woff2" ];
  "font/ttf" = [ "ttf" ];
  "font/otf" = [ "otf" ];
  "audio/mpeg" = [ "mp3" ];
  "audio/ogg" = [ "ogg" ];
  "audio/wav" = [ "wav" ];
  "video/mp4" = [ "mp4" ];
  "video/webm" = [ "webm" ];
}
