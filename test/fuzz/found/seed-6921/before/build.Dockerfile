# escape=`
# Builds beacon (the toolchain image of the builder pattern).
ARG GO_VERSION=1.21
FROM busybox:latest AS tools
RUN echo "builder tools of beacon" > /tools.txt

FROM golang:${GO_VERSION}
ARG BUILD_MODE=release
RUN echo "mode=${BUILD_MODE}" > /etc/build-mode
COPY --from=tools /tools.txt /tools.txt
RUN grep -qx "builder tools of beacon" /tools.txt
WORKDIR /go/src/app
COPY main.go .
RUN mkdir -p /etc/beacon `
    && echo "beacon builder" > /etc/beacon/builder.txt
RUN go build -o /out/bin/beacon . && mkdir -p /out/share && echo "beacon assets" > /out/share/beacon.txt && echo "{}" > /out/share/beacon.js.map && mkdir -p /tmp/assets && echo "beacon data" > /tmp/assets/beacon.dat && tar -C /tmp -cf /out/beacon-assets assets
