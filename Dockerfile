# Multi-stage build of the Channel gRPC service.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Channel.Service/Channel.Service.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
# The data directory (SQLite file or development key-encryption key when no secret is configured).
RUN mkdir -p /var/lib/channel && chown "$APP_UID" /var/lib/channel
COPY --from=build /app .
ENV Service__ListenUrl=http://0.0.0.0:5000 \
    Storage__DataDirectory=/var/lib/channel
USER $APP_UID
EXPOSE 5000
VOLUME ["/var/lib/channel"]
ENTRYPOINT ["dotnet", "Channel.Service.dll"]
