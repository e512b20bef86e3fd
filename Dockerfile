# syntax=docker/dockerfile:1
# The demo shop and the agent, built from this repository: used by docker-compose.yml for the
# inventory, orders and loadgen services. The image only runs the unmodified demo shop; the
# compose file attaches the agent through JAVA_TOOL_OPTIONS.

# Build stage: the same Maven command as scripts/demo.sh (without install), giving the same two
# artifacts the tests use: agent/target/grpc-observability-agent.jar and
# demo-app/target/demo-shop.jar.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -q -DskipTests package -pl agent,demo-app -am

# Runtime stage: a JRE, the demo jar and the agent jar; curl for the compose healthchecks.
FROM eclipse-temurin:17.0.17_10-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home shop
COPY --from=build /src/agent/target/grpc-observability-agent.jar /agent/grpc-observability-agent.jar
COPY --from=build /src/demo-app/target/demo-shop.jar /app/demo-shop.jar
USER shop
# gRPC: orders 50051, inventory 50052; the agent's HTTP endpoint (when attached): 9464.
EXPOSE 50051 50052 9464
ENTRYPOINT ["java", "-jar", "/app/demo-shop.jar"]
CMD ["all"]
