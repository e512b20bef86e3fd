package dev.grpcobs.it.logs;

/** The agent's request logs on the oldest supported gRPC version. */
class GrpcOldestLogsTest extends LogsSuite {}
