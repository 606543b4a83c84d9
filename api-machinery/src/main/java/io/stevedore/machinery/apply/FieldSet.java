package io.stevedore.machinery.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A set of field paths, as structured-merge-diff's fieldpath.Set: a tree whose edges are
 * path elements ({@code f:spec}, {@code k:{"name":"web"}}, {@code v:"a"}) and whose nodes
 * may be members of the set themselves. Serialized as Kubernetes' FieldsV1, where a
 * member with children carries a {@code "."} key. Mutable; not thread-safe.
 */
public final class FieldSet {

	private static final String SELF = ".";

	private boolean member;

	private final Map<String, FieldSet> children = new TreeMap<>();

	public static FieldSet empty() {
		return new FieldSet();
	}

	/** Parses a FieldsV1 object such as {@code {"f:spec":{"f:replicas":{}}}}. */
	public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
		FieldSet set = new FieldSet();
		if (fieldsV1 == null || !fieldsV1.isObject()) {
			return set;
		}
		fieldsV1.fields().forEachRemaining(e -> {
			if (e.getKey().equals(SELF)) {
				set.member = true;
			}
			else {
				FieldSet child = fromFieldsV1(e.getValue());
				if (e.getValue().isEmpty()) {
					child.member = true;
				}
				set.children.put(e.getKey(), child);
			}
		});
		return set;
	}

	/** The FieldsV1 form; path elements sorted, so equal sets serialize equally. */
	public ObjectNode toFieldsV1() {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		if (this.member && !this.children.isEmpty()) {
			node.putObject(SELF);
		}
		this.children.forEach((pe, child) -> node.set(pe, child.toFieldsV1()));
		return node;
	}

	public void insert(List<String> path) {
		node(path).member = true;
	}

	/** The node at a path, created (not a member) where missing. */
	FieldSet node(List<String> path) {
		FieldSet node = this;
		for (String pe : path) {
			node = node.node(pe);
		}
		return node;
	}

	/** The child node at one path element, created (not a member) where missing. */
	FieldSet node(String pe) {
		FieldSet child = this.children.get(pe);
		if (child == null) {
			child = new FieldSet();
			this.children.put(pe, child);
		}
		return child;
	}

	void markMember() {
		this.member = true;
	}

	/** Whether the path is a member (not merely a prefix of one). */
	public boolean has(List<String> path) {
		FieldSet node = child(path);
		return node != null && node.member;
	}

	/** The subtree under a path, or {@code null}. */
	FieldSet child(List<String> path) {
		FieldSet node = this;
		for (String pe : path) {
			node = node.children.get(pe);
			if (node == null) {
				return null;
			}
		}
		return node;
	}

	FieldSet child(String pe) {
		return this.children.get(pe);
	}

	public boolean isEmpty() {
		return !this.member && this.children.isEmpty();
	}

	public FieldSet union(FieldSet other) {
		FieldSet result = copy();
		result.addAll(other);
		return result;
	}

	/** {@link #union}, in place: adds copies of {@code other}'s members to this set. */
	FieldSet addAll(FieldSet other) {
		this.member |= other.member;
		other.children.forEach((pe, child) -> this.children.computeIfAbsent(pe, k -> new FieldSet()).addAll(child));
		return this;
	}

	/**
	 * {@link #difference}, in place, for a set the caller owns: spares copying every
	 * member that stays (a whole object's fields on a create).
	 */
	FieldSet removeAll(FieldSet other) {
		this.member &= !other.member;
		for (Iterator<Map.Entry<String, FieldSet>> it = this.children.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, FieldSet> e = it.next();
			FieldSet theirs = other.children.get(e.getKey());
			if (theirs != null) {
				e.getValue().removeAll(theirs);
			}
			if (e.getValue().isEmpty()) {
				it.remove();
			}
		}
		return this;
	}

	/** {@link #recursiveDifference}, in place, for a set the caller owns. */
	FieldSet removeAllRecursively(FieldSet other) {
		this.member &= !other.member;
		for (Iterator<Map.Entry<String, FieldSet>> it = this.children.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, FieldSet> e = it.next();
			FieldSet theirs = other.children.get(e.getKey());
			if (theirs == null) {
				continue;
			}
			if (theirs.member || e.getValue().removeAllRecursively(theirs).isEmpty()) {
				it.remove();
			}
		}
		return this;
	}

	/** Members of this set that are not members of {@code other}. */
	public FieldSet difference(FieldSet other) {
		FieldSet result = new FieldSet();
		result.member = this.member && !other.member;
		this.children.forEach((pe, child) -> {
			FieldSet theirs = other.children.get(pe);
			FieldSet diff = theirs == null ? child.copy() : child.difference(theirs);
			if (!diff.isEmpty()) {
				result.children.put(pe, diff);
			}
		});
		return result;
	}

	/**
	 * Whether {@code difference(other)} would be non-empty, without building it.
	 */
	public boolean hasMembersOutside(FieldSet other) {
		if (this.member && !other.member) {
			return true;
		}
		for (Map.Entry<String, FieldSet> e : this.children.entrySet()) {
			FieldSet theirs = other.children.get(e.getKey());
			if (theirs == null ? !e.getValue().isEmpty() : e.getValue().hasMembersOutside(theirs)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code difference(other)} would equal this set, without building it: no
	 * member of this set is one of {@code other}, and the difference's walk meets no
	 * empty node, which it drops (a FieldsV1 a client sent may hold one,
	 * {@code "f:a": [1]}).
	 */
	boolean differenceKeepsAll(FieldSet other) {
		if (this.member && other.member) {
			return false;
		}
		for (Map.Entry<String, FieldSet> e : this.children.entrySet()) {
			FieldSet child = e.getValue();
			FieldSet theirs = other.children.get(e.getKey());
			if (child.isEmpty() || (theirs != null && !child.differenceKeepsAll(theirs))) {
				return false;
			}
		}
		return true;
	}

	/** Members of both sets. */
	public FieldSet intersection(FieldSet other) {
		FieldSet result = new FieldSet();
		result.member = this.member && other.member;
		this.children.forEach((pe, child) -> {
			FieldSet theirs = other.children.get(pe);
			if (theirs != null) {
				FieldSet both = child.intersection(theirs);
				if (!both.isEmpty()) {
					result.children.put(pe, both);
				}
			}
		});
		return result;
	}

	/**
	 * Members of this set neither in {@code other} nor under one of its members: removes
	 * whole subtrees ({@code status} takes everything below it).
	 */
	public FieldSet recursiveDifference(FieldSet other) {
		FieldSet result = new FieldSet();
		result.member = this.member && !other.member;
		this.children.forEach((pe, child) -> {
			FieldSet theirs = other.children.get(pe);
			if (theirs == null) {
				result.children.put(pe, child.copy());
			}
			else if (!theirs.member) {
				FieldSet diff = child.recursiveDifference(theirs);
				if (!diff.isEmpty()) {
					result.children.put(pe, diff);
				}
			}
		});
		return result;
	}

	/**
	 * This set with every prefix of a member also a member: an ancestor of an owned field
	 * is itself in use.
	 */
	FieldSet withAncestorsAsMembers() {
		FieldSet result = new FieldSet();
		result.member = this.member || !this.children.isEmpty();
		this.children.forEach((pe, child) -> result.children.put(pe, child.withAncestorsAsMembers()));
		return result;
	}

	/** Every member path, in sorted order. */
	public List<List<String>> paths() {
		List<List<String>> result = new ArrayList<>();
		collect(new ArrayList<>(), result);
		return result;
	}

	private void collect(List<String> prefix, List<List<String>> out) {
		if (this.member) {
			out.add(List.copyOf(prefix));
		}
		this.children.forEach((pe, child) -> {
			prefix.add(pe);
			child.collect(prefix, out);
			prefix.remove(prefix.size() - 1);
		});
	}

	public FieldSet copy() {
		FieldSet result = new FieldSet();
		result.addAll(this);
		return result;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof FieldSet other && this.member == other.member && this.children.equals(other.children);
	}

	@Override
	public int hashCode() {
		return this.children.hashCode() * 31 + Boolean.hashCode(this.member);
	}

	@Override
	public String toString() {
		return toFieldsV1().toString();
	}

}
