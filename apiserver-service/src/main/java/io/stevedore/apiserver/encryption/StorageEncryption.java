package io.stevedore.apiserver.encryption;

import java.util.List;

/**
 * Which store keys are encrypted and how: the first rule whose key prefix matches
 * decides, as the first matching {@code resources} entry does in Kubernetes. Keys no rule
 * matches are stored as they are.
 */
public final class StorageEncryption {

	record Rule(String keyPrefix, ValueTransformer transformer) {
	}

	private final List<Rule> rules;

	StorageEncryption(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	/** The transformer of {@code key}, or null when its values are stored as they are. */
	ValueTransformer forKey(String key) {
		for (Rule rule : this.rules) {
			if (key.startsWith(rule.keyPrefix())) {
				return rule.transformer();
			}
		}
		return null;
	}

	/** Whether any value under {@code prefix} may be transformed. */
	boolean touches(String prefix) {
		for (Rule rule : this.rules) {
			if (rule.keyPrefix().startsWith(prefix) || prefix.startsWith(rule.keyPrefix())) {
				return true;
			}
		}
		return false;
	}

	public List<String> keyPrefixes() {
		return this.rules.stream().map(Rule::keyPrefix).toList();
	}

}
