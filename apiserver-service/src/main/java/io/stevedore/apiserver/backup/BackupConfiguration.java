package io.stevedore.apiserver.backup;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Restore from a backup at start when {@code stevedore.storage.restore-from} is set. */
@Configuration(proxyBeanMethods = false)
class BackupConfiguration {

	/** Static: a post-processor must exist before the store bean it processes. */
	@Bean
	@ConditionalOnExpression("!'${stevedore.storage.restore-from:}'.isBlank()")
	static RestoreOnStart restoreOnStart(Environment environment) {
		return new RestoreOnStart(Path.of(environment.getRequiredProperty("stevedore.storage.restore-from")));
	}

}
