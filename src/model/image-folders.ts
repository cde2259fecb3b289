/**
 * Folders the base images builds start from commonly hold (the filesystem hierarchy of Debian,
 * Alpine, Ubuntu, Red Hat images; GOPATH's in the golang images). The tool never sees a base
 * image, so a path in this list may be a folder before any instruction makes it: a COPY to it
 * lands its file inside it (`COPY app /usr/local/bin` writes /usr/local/bin/app), and
 * `go build -o /go/bin` writes into it. Where that matters, such a path is not read as a new
 * file's name.
 */
export const IMAGE_FOLDERS: ReadonlySet<string> = new Set([
  '/bin', '/sbin', '/lib', '/lib64', '/etc', '/opt', '/srv', '/tmp', '/var', '/home', '/root', '/mnt', '/media', '/run', '/usr',
  '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/share', '/usr/include', '/usr/src',
  '/usr/local', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/usr/local/include', '/usr/local/etc', '/usr/local/src',
  '/var/lib', '/var/tmp', '/var/log', '/var/cache', '/var/run', '/var/www', '/var/opt', '/etc/ssl', '/etc/ssl/certs',
  '/go', '/go/bin', '/go/src', '/go/pkg',
]);
