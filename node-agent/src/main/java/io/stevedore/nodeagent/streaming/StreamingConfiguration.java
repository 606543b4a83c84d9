package io.stevedore.nodeagent.streaming;

import io.stevedore.nodeagent.NodeAgent;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.hollow.HollowNodesCondition;
import io.stevedore.nodeagent.pod.ContainerLogs;
import io.stevedore.nodeagent.portforward.PodPorts;
import io.stevedore.nodeagent.portforward.PortForwardEndpoint;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the streaming endpoints on the agent's port, as the kubelet serves them next to
 * /containerLogs, on Tomcat's own WebSocket implementation (which Spring Boot starts with
 * the embedded Tomcat when tomcat-embed-websocket is on the classpath); the endpoints use
 * the plain Jakarta WebSocket API so subprotocol negotiation is Tomcat's: the first of
 * the client's protocols that {@link ChannelProtocol#SUPPORTED} has.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.node.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(HollowNodesCondition.OnOneNode.class)
public class StreamingConfiguration {

	@Bean
	ServletContextInitializer streamingEndpoints(ContainerLogs containers, ContainerRuntime runtime, NodeAgent agent,
			NodeIdentity identity) {
		// Endpoints are added once every initializer has run: Spring Boot starts Tomcat's
		// WebSocket container (WsSci) in its own initializer, in no order relative to
		// this one.
		return servletContext -> servletContext.addListener(new ServletContextListener() {

			@Override
			public void contextInitialized(ServletContextEvent event) {
				ServerContainer server = (ServerContainer) event.getServletContext()
					.getAttribute(ServerContainer.class.getName());
				if (server == null) {
					throw new IllegalStateException("Tomcat's WebSocket container is not running: "
							+ "exec and attach cannot be served (is tomcat-embed-websocket on the classpath?)");
				}
				try {
					server.addEndpoint(endpoint("/exec/{namespace}/{pod}/{container}", containers, runtime, true));
					server.addEndpoint(endpoint("/attach/{namespace}/{pod}/{container}", containers, runtime, false));
					server.addEndpoint(portForward(agent, runtime, identity.name()));
				}
				catch (DeploymentException ex) {
					throw new IllegalStateException("cannot serve exec and attach", ex);
				}
			}

		});
	}

	/**
	 * The same endpoints over plain SPDY/3.1. A servlet filter, not an endpoint: SPDY is
	 * an HTTP upgrade Tomcat's WebSocket container does not know, served with the Servlet
	 * API's own {@code upgrade}.
	 */
	@Bean
	FilterRegistrationBean<SpdyUpgradeFilter> spdyStreaming(ContainerLogs containers, ContainerRuntime runtime,
			NodeAgent agent, NodeIdentity identity) {
		SpdyUpgradeFilter filter = new SpdyUpgradeFilter(containers, runtime,
				new PodPorts(agent::pod, runtime, identity.name()), SpdyUpgradeFilter.STREAM_CREATION_TIMEOUT);
		FilterRegistrationBean<SpdyUpgradeFilter> registration = new FilterRegistrationBean<>(filter);
		registration.addUrlPatterns("/exec/*", "/attach/*", "/portForward/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	private static ServerEndpointConfig portForward(NodeAgent agent, ContainerRuntime runtime, String nodeName) {
		return ServerEndpointConfig.Builder.create(PortForwardEndpoint.class, "/portForward/{namespace}/{pod}")
			.subprotocols(java.util.List.of(PortForwardEndpoint.PROTOCOL))
			.configurator(new ServerEndpointConfig.Configurator() {

				@Override
				public <T> T getEndpointInstance(Class<T> type) {
					return type.cast(new PortForwardEndpoint(new PodPorts(agent::pod, runtime, nodeName)));
				}

			})
			.build();
	}

	private static ServerEndpointConfig endpoint(String path, ContainerLogs containers, ContainerRuntime runtime,
			boolean exec) {
		return ServerEndpointConfig.Builder.create(StreamingEndpoint.class, path)
			.subprotocols(ChannelProtocol.SUPPORTED)
			.configurator(new ServerEndpointConfig.Configurator() {

				@Override
				public <T> T getEndpointInstance(Class<T> type) {
					return type.cast(new StreamingEndpoint(containers, runtime, exec));
				}

			})
			.build();
	}

}
