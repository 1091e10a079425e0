# The silo (grain runtime + HTTP API) for a machine with a Docker engine; see docker-compose.yml.
# librdkafka 2.15.1 is built from the same npm-shipped source the local stack uses, so the image does not depend
# on a librdkafka.redist package or a distribution's older librdkafka.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm python3 libssl-dev zlib1g-dev libzstd-dev liblz4-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /librdkafka
RUN npm pack @confluentinc/kafka-javascript@1.10.1 && tar xzf confluentinc-kafka-javascript-1.10.1.tgz \
    && cd package/deps/librdkafka && ./configure --disable-gssapi --disable-curl && (cd src && make -j"$(nproc)" lib) \
    && strip --strip-unneeded -o /librdkafka/librdkafka.so.1 src/librdkafka.so.1
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g libzstd1 liblz4-1 curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /librdkafka/librdkafka.so.1 /opt/librdkafka/librdkafka.so.1
COPY --from=build /app /app
WORKDIR /app
ENV Kafka__LibrdkafkaPath=/opt/librdkafka/librdkafka.so.1 \
    ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "AccountMetadata.Silo.dll"]
