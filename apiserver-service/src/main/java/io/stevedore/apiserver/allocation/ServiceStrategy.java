package io.stevedore.apiserver.allocation;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.stevedore.apiserver.rest.strategy.ResourceStrategy;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.errors.FieldError;

/**
 * Services get a ClusterIP from the service CIDR and NodePorts from the node port range
 * when their type needs them; both go back to the ranges when the Service is deleted or
 * changes type (pkg/registry/core/service/storage).
 */
public final class ServiceStrategy implements ResourceStrategy {

	private final ServiceCidr cidr;

	private final RangeAllocator clusterIps;

	private final RangeAllocator nodePorts;

	public ServiceStrategy(ServiceCidr cidr, RangeAllocator clusterIps, RangeAllocator nodePorts) {
		this.cidr = cidr;
		this.clusterIps = clusterIps;
		this.nodePorts = nodePorts;
	}

	@Override
	public void prepareForCreate(HasMetadata object, java.time.Instant now) {
		((Service) object).setStatus(new io.fabric8.kubernetes.api.model.ServiceStatus());
	}

	@Override
	public Runnable allocate(HasMetadata object, HasMetadata old, boolean dryRun) {
		Service service = (Service) object;
		ServiceSpec spec = service.getSpec();
		ServiceSpec oldSpec = old == null ? null : ((Service) old).getSpec();
		List<Runnable> undo = new ArrayList<>();
		try {
			allocateClusterIp(service, spec, oldSpec, dryRun, undo);
			allocateNodePorts(service, spec, oldSpec, dryRun, undo);
		}
		catch (RuntimeException ex) {
			undo.forEach(Runnable::run);
			throw ex;
		}
		return () -> undo.forEach(Runnable::run);
	}

	private void allocateClusterIp(Service service, ServiceSpec spec, ServiceSpec oldSpec, boolean dryRun,
			List<Runnable> undo) {
		if ("ExternalName".equals(spec.getType())) {
			return;
		}
		String oldIp = oldSpec == null ? null : oldSpec.getClusterIP();
		String requested = spec.getClusterIP();
		if (oldIp != null && !oldIp.isEmpty() && (requested == null || requested.isEmpty())) {
			// An update that omits the ClusterIP keeps the one the Service has.
			setClusterIp(spec, oldIp);
			return;
		}
		if ("None".equals(requested) || (oldIp != null && oldIp.equals(requested))) {
			return;
		}
		long offset;
		if (requested == null || requested.isEmpty()) {
			offset = dryRun ? this.cidr.firstAllocatable() : this.clusterIps.allocateNext();
			if (offset < 0) {
				throw ApiException.internal("failed to allocate a serviceIP: range is full");
			}
		}
		else {
			offset = this.cidr.offsetOf(requested);
			if (offset == ServiceCidr.KUBERNETES_SERVICE_OFFSET && isKubernetesService(service)) {
				// Reserved for default/kubernetes, outside the allocator's range.
				setClusterIp(spec, requested);
				return;
			}
			if (offset < 0 || !this.clusterIps.contains(offset)) {
				throw invalid(service,
						FieldError.invalid("spec.clusterIPs", requested,
								"failed to allocate IP " + requested + ": provided IP is not in the valid range. "
										+ "The range of valid IPs is " + this.cidr));
			}
			boolean free = dryRun ? !this.clusterIps.isAllocated(offset) : this.clusterIps.allocate(offset);
			if (!free) {
				throw invalid(service, FieldError.invalid("spec.clusterIPs", requested,
						"failed to allocate IP " + requested + ": provided IP is already allocated"));
			}
		}
		if (!dryRun) {
			long taken = offset;
			undo.add(() -> this.clusterIps.release(taken));
		}
		setClusterIp(spec, this.cidr.addressAt(offset));
	}

	private static boolean isKubernetesService(Service service) {
		return "default".equals(service.getMetadata().getNamespace())
				&& "kubernetes".equals(service.getMetadata().getName());
	}

	private void allocateNodePorts(Service service, ServiceSpec spec, ServiceSpec oldSpec, boolean dryRun,
			List<Runnable> undo) {
		boolean needs = "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
		if (!needs) {
			for (ServicePort port : spec.getPorts()) {
				port.setNodePort(null);
			}
			return;
		}
		List<Integer> kept = new ArrayList<>();
		if (oldSpec != null) {
			for (ServicePort port : oldSpec.getPorts()) {
				if (port.getNodePort() != null) {
					kept.add(port.getNodePort());
				}
			}
		}
		for (int i = 0; i < spec.getPorts().size(); i++) {
			ServicePort port = spec.getPorts().get(i);
			Integer requested = port.getNodePort();
			if (requested != null && requested != 0) {
				if (kept.contains(requested)) {
					continue;
				}
				if (!this.nodePorts.contains(requested)) {
					throw invalid(service,
							FieldError.invalid("spec.ports[" + i + "].nodePort", requested,
									"provided port is not in the valid range. The range of valid ports is "
											+ this.nodePorts.describe()));
				}
				boolean free = dryRun ? !this.nodePorts.isAllocated(requested) : this.nodePorts.allocate(requested);
				if (!free) {
					throw invalid(service, FieldError.invalid("spec.ports[" + i + "].nodePort", requested,
							"provided port is already allocated"));
				}
				if (!dryRun) {
					undo.add(() -> this.nodePorts.release(requested));
				}
				continue;
			}
			Integer previous = previousNodePort(oldSpec, port);
			if (previous != null) {
				port.setNodePort(previous);
				continue;
			}
			long allocated = dryRun ? this.nodePorts.first() : this.nodePorts.allocateNext();
			if (allocated < 0) {
				throw ApiException.internal("failed to allocate a nodePort: range is full");
			}
			if (!dryRun) {
				undo.add(() -> this.nodePorts.release(allocated));
			}
			port.setNodePort((int) allocated);
		}
	}

	private static Integer previousNodePort(ServiceSpec oldSpec, ServicePort port) {
		if (oldSpec == null) {
			return null;
		}
		for (ServicePort old : oldSpec.getPorts()) {
			if (old.getNodePort() != null && old.getPort().equals(port.getPort())
					&& java.util.Objects.equals(old.getProtocol(), port.getProtocol())) {
				return old.getNodePort();
			}
		}
		return null;
	}

	@Override
	public void release(HasMetadata deleted) {
		ServiceSpec spec = ((Service) deleted).getSpec();
		long offset = this.cidr.offsetOf(spec.getClusterIP());
		if (offset >= 0) {
			this.clusterIps.release(offset);
		}
		for (ServicePort port : spec.getPorts()) {
			if (port.getNodePort() != null) {
				this.nodePorts.release(port.getNodePort());
			}
		}
	}

	@Override
	public void releaseAfterUpdate(HasMetadata updated, HasMetadata old) {
		List<Integer> now = ((Service) updated).getSpec().getPorts().stream().map(ServicePort::getNodePort).toList();
		for (ServicePort port : ((Service) old).getSpec().getPorts()) {
			if (port.getNodePort() != null && !now.contains(port.getNodePort())) {
				this.nodePorts.release(port.getNodePort());
			}
		}
	}

	private static void setClusterIp(ServiceSpec spec, String ip) {
		spec.setClusterIP(ip);
		spec.setClusterIPs(new ArrayList<>(List.of(ip)));
	}

	private static ApiException invalid(Service service, FieldError error) {
		return ApiException.invalid("", "Service", service.getMetadata().getName(), List.of(error));
	}

}
