package io.stevedore.machinery.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The type of one value in an object tree, for code that walks a JSON document and its
 * schema together (patching, field ownership): what structured-merge-diff calls a
 * TypeRef. Values the schema does not know (unknown fields) are untyped scalars: replaced
 * and owned whole.
 */
public final class SchemaNode {

	private static final SchemaNode UNTYPED = new SchemaNode(FieldKind.SCALAR, null, null, null);

	private final FieldKind kind;

	/** The struct type (objects) or element class (lists and maps). */
	private final Class<?> type;

	/** The field this value is held in, carrying list and map tags; null at the root. */
	private final FieldSchema field;

	/** For lists and maps: the type of the elements. */
	private final SchemaNode element;

	/**
	 * For objects: the struct schema, looked up on first use (a racing thread looks it up
	 * too; TypeSchema is immutable).
	 */
	private TypeSchema schema;

	private SchemaNode(FieldKind kind, Class<?> type, FieldSchema field, SchemaNode element) {
		this.kind = kind;
		this.type = type;
		this.field = field;
		this.element = element;
	}

	/** The node of a whole object of a fabric8 model class, e.g. {@code Deployment}. */
	public static SchemaNode root(Class<?> type) {
		return TypeSchema.isStruct(type) ? new SchemaNode(FieldKind.OBJECT, type, null, null) : UNTYPED;
	}

	/** A value no schema describes: treated as one opaque value. */
	public static SchemaNode untyped() {
		return UNTYPED;
	}

	static SchemaNode ofField(FieldSchema field) {
		return switch (field.kind()) {
			case OBJECT -> new SchemaNode(FieldKind.OBJECT, field.javaType(), field, null);
			case SCALAR -> new SchemaNode(FieldKind.SCALAR, field.javaType(), field, null);
			case LIST, MAP -> new SchemaNode(field.kind(), field.elementType(), field,
					elementNode(field.elementKind(), field.elementType()));
		};
	}

	private static SchemaNode elementNode(FieldKind kind, Class<?> type) {
		if (kind == FieldKind.OBJECT) {
			return new SchemaNode(FieldKind.OBJECT, type, null, null);
		}
		return UNTYPED;
	}

	public FieldKind kind() {
		return this.kind;
	}

	/** The field holding this value, or {@code null} for a root or an element. */
	public FieldSchema field() {
		return this.field;
	}

	/** For objects: the struct schema; else {@code null}. */
	public TypeSchema typeSchema() {
		if (this.kind != FieldKind.OBJECT) {
			return null;
		}
		TypeSchema found = this.schema;
		if (found == null) {
			found = TypeSchema.of(this.type);
			this.schema = found;
		}
		return found;
	}

	/**
	 * The node of the value under {@code key}: the named field of a struct, the element
	 * of a map, or untyped for anything else.
	 */
	public SchemaNode child(String key) {
		if (this.kind == FieldKind.OBJECT) {
			SchemaNode node = typeSchema().fieldNode(key);
			return (node != null) ? node : UNTYPED;
		}
		if (this.kind == FieldKind.MAP) {
			return this.element;
		}
		return UNTYPED;
	}

	/** Whether {@code key} is a declared field of this struct. */
	public boolean declares(String key) {
		return this.kind == FieldKind.OBJECT && typeSchema().fieldNode(key) != null;
	}

	/** The node of the elements of a list. */
	public SchemaNode element() {
		return this.kind == FieldKind.LIST ? this.element : UNTYPED;
	}

	/** Atomic values are replaced and owned whole. */
	public boolean atomic() {
		return switch (this.kind) {
			case SCALAR -> true;
			case LIST -> listType() == ListType.ATOMIC;
			case MAP -> this.field != null && this.field.mapType() == MapType.ATOMIC;
			case OBJECT -> typeSchema().atomic();
		};
	}

	public ListType listType() {
		return this.field == null ? ListType.ATOMIC : this.field.listType();
	}

	public List<String> listMapKeys() {
		return this.field == null ? List.of() : this.field.listMapKeys();
	}

	public Map<String, String> keyDefaults() {
		return this.field == null ? Map.of() : this.field.keyDefaults();
	}

	public String patchMergeKey() {
		return this.field == null ? null : this.field.patchMergeKey();
	}

	public Set<PatchStrategy> patchStrategies() {
		return this.field == null ? Set.of() : this.field.patchStrategies();
	}

	/** Whether list elements are objects (rather than scalars). */
	public boolean hasObjectElements() {
		return this.element != null && this.element.kind == FieldKind.OBJECT;
	}

	@Override
	public String toString() {
		return this.kind + (this.type == null ? "" : "(" + this.type.getSimpleName() + ")");
	}

}
