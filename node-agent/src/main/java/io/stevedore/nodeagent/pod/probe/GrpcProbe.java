package io.stevedore.nodeagent.pod.probe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GRPCAction;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

/**
 * A grpc probe: the gRPC Health Checking Protocol's Check call (grpc.health.v1.Health)
 * over plaintext to the pod's IP and the probe's port, for the probe's service name;
 * SERVING is success. Like the kubelet, one connection per probe, and the failure
 * messages are the kubelet's (pkg/probe/grpc).
 */
final class GrpcProbe {

	private GrpcProbe() {
	}

	/**
	 * @return null when the service is SERVING, else why not
	 */
	static String check(GRPCAction grpc, String podIp, Duration timeout) {
		String address = podIp + ":" + grpc.getPort();
		ManagedChannel channel = Grpc
			.newChannelBuilderForAddress(podIp, grpc.getPort(), InsecureChannelCredentials.create())
			.userAgent("kube-probe/1.32")
			.build();
		try {
			HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
				.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
				.check(HealthCheckRequest.newBuilder()
					.setService(grpc.getService() == null ? "" : grpc.getService())
					.build());
			if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
				return "service unhealthy (responded with \"" + response.getStatus() + "\")";
			}
			return null;
		}
		catch (StatusRuntimeException ex) {
			Status status = ex.getStatus();
			return switch (status.getCode()) {
				case UNIMPLEMENTED -> "server does not implement the grpc health protocol (grpc.health.v1.Health): "
						+ status.getDescription();
				case DEADLINE_EXCEEDED -> "timeout: health rpc did not complete within " + timeout.toSeconds() + "s";
				case UNAVAILABLE -> "error: failed to connect service at \"" + address + "\": " + describe(ex);
				default -> "error: health rpc probe failed: " + describe(ex);
			};
		}
		finally {
			channel.shutdownNow();
		}
	}

	private static String describe(StatusRuntimeException ex) {
		Throwable cause = ex.getCause();
		String text = ex.getStatus().getCode()
				+ (ex.getStatus().getDescription() == null ? "" : ": " + ex.getStatus().getDescription());
		return cause == null || cause.getMessage() == null ? text : text + " (" + cause.getMessage() + ")";
	}

}
