# Multi-stage build of the Channel gRPC service (and, as target "emulator", the MTProto emulator for the sandbox).
# The runtime images run as the non-root "app" user of the .NET images (uid 1654) and work with a read-only root
# filesystem: the only writable paths are the data directory (a volume) and /tmp (a tmpfs); DataProtection keys live
# in the database, wrapped by the key-encryption key.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Channel.Service/Channel.Service.csproj -c Release -o /app --nologo
RUN dotnet publish src/Channel.MTProto.Emulator/Channel.MTProto.Emulator.csproj -c Release -o /emulator --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS emulator
WORKDIR /emulator
RUN mkdir -p /var/lib/emulator && chown 1654 /var/lib/emulator
COPY --from=build /emulator .
USER 1654
EXPOSE 4430 8081
VOLUME ["/var/lib/emulator"]
ENTRYPOINT ["dotnet", "Channel.MTProto.Emulator.dll", "--listen", "0.0.0.0:4430", "--control", "0.0.0.0:8081", "--rsa-key", "/var/lib/emulator/server.pem"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS service
WORKDIR /app
# The data directory (SQLite file, or the development key-encryption key when no secret is configured).
RUN mkdir -p /var/lib/channel && chown 1654 /var/lib/channel
COPY --from=build /app .
# gRPC (h2c) on 5000 through the platform's own setting; metrics and probes (HTTP/1.1) on 5001.
# MALLOC_ARENA_MAX: glibc gives busy threads malloc arenas of their own (up to eight per core); two keep about
# 12 MiB less resident with 1,000 idle accounts (docs/benchmarks.md, inbound pipeline).
ENV ASPNETCORE_HTTP_PORTS=5000 \
    Service__ManagementUrl=http://0.0.0.0:5001 \
    Storage__DataDirectory=/var/lib/channel \
    DOTNET_EnableDiagnostics=0 \
    MALLOC_ARENA_MAX=2
USER 1654
EXPOSE 5000 5001
VOLUME ["/var/lib/channel"]
# No curl in the image: bash opens the socket itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5001 && printf 'GET /healthz/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["dotnet", "Channel.Service.dll"]
