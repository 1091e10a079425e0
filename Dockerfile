# The silo (Orleans + HTTP API) for a machine with a Docker engine; see docker-compose.yml. The native librdkafka
# comes from the librdkafka.redist package like everywhere else (on Debian its bundled centos8 build is the one that
# loads; the silo checks the version at start).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
WORKDIR /app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
# 8080: HTTP API; 11111: Orleans silo-to-silo
EXPOSE 8080 11111
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "AccountMetadata.Silo.dll"]
