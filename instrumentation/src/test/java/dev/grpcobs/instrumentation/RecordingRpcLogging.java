package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcLogging;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record handed to the request log; logs every method but {@code test.Svc/Quiet}. */
final class RecordingRpcLogging implements RpcLogging {

  private final String[] metadataKeys;
  private final List<CallRecord> records = new ArrayList<>();

  RecordingRpcLogging(String... metadataKeys) {
    this.metadataKeys = metadataKeys;
  }

  @Override
  public boolean logs(String fullMethodName) {
    return !fullMethodName.equals("test.Svc/Quiet");
  }

  @Override
  public String[] metadataKeys() {
    return metadataKeys;
  }

  @Override
  public synchronized void callFinished(CallRecord call) {
    records.add(call);
  }

  synchronized List<CallRecord> records() {
    return new ArrayList<>(records);
  }

  synchronized CallRecord only(boolean server, String method) {
    CallRecord found = null;
    for (CallRecord call : records) {
      if (call.server == server && call.fullMethodName.equals(method)) {
        if (found != null) {
          throw new AssertionError("two records of " + method + " server=" + server);
        }
        found = call;
      }
    }
    if (found == null) {
      throw new AssertionError("no record of " + method + " server=" + server + " in " + records.size());
    }
    return found;
  }
}
