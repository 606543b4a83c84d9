package io.stevedore.nodeagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The kubelet: registers a node and runs the pods bound to it on Docker. */
@SpringBootApplication
public class NodeAgentApplication {

	public static void main(String[] args) {
		SpringApplication.run(NodeAgentApplication.class, args);
	}

}
