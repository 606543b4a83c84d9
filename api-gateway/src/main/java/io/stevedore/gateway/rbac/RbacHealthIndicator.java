package io.stevedore.gateway.rbac;

import java.util.function.BooleanSupplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The gateway is not healthy until its default roles exist and its RBAC caches hold every
 * Role and binding, as kube-apiserver's {@code /readyz} waits for its
 * {@code rbac/bootstrap-roles} post-start hook. Before that every component's request
 * would be refused 403 (the components now authenticate through the gateway), and a
 * component that gives up on a 4xx (the proxy's kube-dns Service) would never retry.
 */
public final class RbacHealthIndicator implements HealthIndicator {

	private final BooleanSupplier bootstrap;

	private final InformerRbacLister lister;

	/**
	 * @param bootstrap whether the default roles are made (true when bootstrap is off)
	 */
	public RbacHealthIndicator(BooleanSupplier bootstrap, InformerRbacLister lister) {
		this.bootstrap = bootstrap;
		this.lister = lister;
	}

	@Override
	public Health health() {
		boolean bootstrapped = this.bootstrap.getAsBoolean();
		boolean synced = this.lister.hasSynced();
		Health.Builder builder = (bootstrapped && synced) ? Health.up() : Health.outOfService();
		return builder.withDetail("defaultRoles", bootstrapped).withDetail("cachesSynced", synced).build();
	}

}
