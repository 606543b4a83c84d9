package io.stevedore.apiserver.codec;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.base.GeneratorBase;
import com.fasterxml.jackson.core.json.JsonWriteContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

/**
 * A generator that builds the JSON tree as a serializer writes, for
 * {@link ObjectCodec#toTree}. Jackson's valueToTree writes every token into a TokenBuffer
 * and parses that buffer into a tree: twice the work, a third of the field manager's CPU
 * on a create.
 *
 * <p>
 * It makes the nodes the buffer's parse made (TextNode, IntNode for ints, LongNode for
 * longs, objects in write order, a repeated name keeping its first place and its last
 * value) and nothing else: a serializer that writes anything other than names, strings,
 * ints, longs, booleans and nulls (floats, decimals, binary or raw values) marks the
 * conversion {@link #unsupported()}, and the caller converts that object the usual way.
 * Single use, not thread-safe.
 */
final class TreeGenerator extends GeneratorBase {

	private final JsonNodeFactory nodes;

	/** The open containers, innermost first. */
	private final ArrayDeque<JsonNode> open = new ArrayDeque<>();

	/** The field name written last in the innermost open object. */
	private String field;

	private JsonNode root;

	private boolean unsupported;

	/**
	 * @param mapper writes the values serializers hand on, as it does into the buffer
	 */
	TreeGenerator(ObjectMapper mapper) {
		super(JsonGenerator.Feature.collectDefaults(), mapper);
		this.nodes = mapper.getNodeFactory();
	}

	/** The tree written, or {@code null} if nothing was. */
	JsonNode root() {
		return this.root;
	}

	/** Whether a value was written that this generator does not build. */
	boolean unsupported() {
		return this.unsupported;
	}

	private void add(JsonNode value) {
		JsonNode parent = this.open.peek();
		if (parent == null) {
			this.root = value;
		}
		else if (parent instanceof ObjectNode object) {
			// What the buffer's parse did: replace, so a repeated name keeps its place.
			object.replace(this.field, value);
		}
		else {
			((ArrayNode) parent).add(value);
		}
	}

	private IOException unsupported(String what) {
		this.unsupported = true;
		return new IOException("not built directly as a tree: " + what);
	}

	@Override
	public void writeStartArray() throws IOException {
		start(this.nodes.arrayNode());
	}

	@Override
	public void writeStartObject() throws IOException {
		start(this.nodes.objectNode());
	}

	private void start(ContainerNode<?> container) throws IOException {
		_verifyValueWrite("start a container");
		this._writeContext = container.isArray() ? this._writeContext.createChildArrayContext()
				: this._writeContext.createChildObjectContext();
		add(container);
		this.open.push(container);
	}

	@Override
	public void writeEndArray() {
		end();
	}

	@Override
	public void writeEndObject() {
		end();
	}

	private void end() {
		this._writeContext = this._writeContext.clearAndGetParent();
		this.open.pop();
	}

	@Override
	public void writeFieldName(String name) throws IOException {
		if (this._writeContext.writeFieldName(name) == JsonWriteContext.STATUS_EXPECT_VALUE) {
			throw unsupported("a field name where a value was expected");
		}
		this.field = name;
	}

	@Override
	public void writeString(String text) throws IOException {
		value(text == null ? this.nodes.nullNode() : this.nodes.textNode(text));
	}

	@Override
	public void writeString(char[] buffer, int offset, int length) throws IOException {
		writeString(new String(buffer, offset, length));
	}

	@Override
	public void writeNumber(int value) throws IOException {
		value(this.nodes.numberNode(value));
	}

	@Override
	public void writeNumber(long value) throws IOException {
		value(this.nodes.numberNode(value));
	}

	@Override
	public void writeBoolean(boolean state) throws IOException {
		value(this.nodes.booleanNode(state));
	}

	@Override
	public void writeNull() throws IOException {
		value(this.nodes.nullNode());
	}

	private void value(JsonNode value) throws IOException {
		_verifyValueWrite("write a value");
		add(value);
	}

	@Override
	public void writeNumber(BigInteger value) throws IOException {
		throw unsupported("a BigInteger");
	}

	@Override
	public void writeNumber(double value) throws IOException {
		throw unsupported("a double");
	}

	@Override
	public void writeNumber(float value) throws IOException {
		throw unsupported("a float");
	}

	@Override
	public void writeNumber(BigDecimal value) throws IOException {
		throw unsupported("a BigDecimal");
	}

	@Override
	public void writeNumber(String encodedValue) throws IOException {
		throw unsupported("an encoded number");
	}

	@Override
	public void writeRawUTF8String(byte[] buffer, int offset, int length) throws IOException {
		throw unsupported("a raw UTF-8 string");
	}

	@Override
	public void writeUTF8String(byte[] buffer, int offset, int length) throws IOException {
		throw unsupported("a UTF-8 string");
	}

	/** Raw text and raw values (GeneratorBase writes those through here). */
	@Override
	public void writeRaw(String text) throws IOException {
		throw unsupported("raw text");
	}

	@Override
	public void writeRaw(String text, int offset, int len) throws IOException {
		writeRaw(text);
	}

	@Override
	public void writeRaw(char[] text, int offset, int len) throws IOException {
		writeRaw(new String(text, offset, len));
	}

	@Override
	public void writeRaw(char c) throws IOException {
		writeRaw(String.valueOf(c));
	}

	@Override
	public void writeBinary(Base64Variant variant, byte[] data, int offset, int len) throws IOException {
		throw unsupported("binary data");
	}

	@Override
	public int writeBinary(Base64Variant variant, InputStream data, int dataLength) throws IOException {
		throw unsupported("binary data");
	}

	/**
	 * As the buffer does with its mapper: a value a serializer hands on (AnyType's, e.g.
	 * an IntOrString) is serialized here in turn; binary and raw values it kept as
	 * embedded objects are not built.
	 */
	@Override
	public void writeObject(Object value) throws IOException {
		if (value instanceof byte[] || value instanceof RawValue) {
			throw unsupported("an embedded object");
		}
		super.writeObject(value);
	}

	@Override
	public void flush() {
		// nothing buffered
	}

	@Override
	protected void _releaseBuffers() {
		// no buffers
	}

	@Override
	protected void _verifyValueWrite(String typeMsg) throws IOException {
		if (this._writeContext.writeValue() == JsonWriteContext.STATUS_EXPECT_NAME) {
			throw unsupported("a value where a field name was expected");
		}
	}

}
