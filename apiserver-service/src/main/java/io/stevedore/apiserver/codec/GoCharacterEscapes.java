package io.stevedore.apiserver.codec;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Strings escaped as kube-apiserver (Go's encoding/json) escapes them: {@code <},
 * {@code >}, {@code &}, U+2028, U+2029 and the control characters without a short form as
 * six-character unicode escapes with lower-case hex digits; the short forms
 * ({@code \\b \\f \\n \\r \\t}) as Jackson writes them already.
 *
 * <p>
 * Why it matters: a client may compare bytes it marshals in Go with bytes it read from
 * the apiserver. {@code kubectl rollout undo} compares its patch of a DaemonSet's or
 * StatefulSet's template with the ControllerRevision's {@code data} as received, so a
 * template holding {@code &&} must come back escaped as Go escapes it.
 */
final class GoCharacterEscapes extends CharacterEscapes {

	private static final long serialVersionUID = 1L;

	private static final SerializableString LINE_SEPARATOR = unicodeEscape(0x2028);

	private static final SerializableString PARAGRAPH_SEPARATOR = unicodeEscape(0x2029);

	private final int[] ascii;

	/**
	 * The escape of each ASCII character escaped here, made once: not per character
	 * written.
	 */
	private final SerializableString[] asciiSequences = new SerializableString[0x80];

	GoCharacterEscapes() {
		this.ascii = CharacterEscapes.standardAsciiEscapesForJSON();
		for (int c = 0; c < 0x20; c++) {
			if (this.ascii[c] == CharacterEscapes.ESCAPE_STANDARD) {
				this.ascii[c] = CharacterEscapes.ESCAPE_CUSTOM;
			}
		}
		this.ascii['<'] = CharacterEscapes.ESCAPE_CUSTOM;
		this.ascii['>'] = CharacterEscapes.ESCAPE_CUSTOM;
		this.ascii['&'] = CharacterEscapes.ESCAPE_CUSTOM;
		for (int c = 0; c < 0x80; c++) {
			if (this.ascii[c] == CharacterEscapes.ESCAPE_CUSTOM) {
				this.asciiSequences[c] = unicodeEscape(c);
			}
		}
	}

	@Override
	public int[] getEscapeCodesForAscii() {
		return this.ascii;
	}

	@Override
	public SerializableString getEscapeSequence(int ch) {
		if (ch < 0x80) {
			return this.asciiSequences[ch];
		}
		return (ch == 0x2028) ? LINE_SEPARATOR : (ch == 0x2029) ? PARAGRAPH_SEPARATOR : null;
	}

	private static SerializableString unicodeEscape(int ch) {
		return new SerializedString(String.format("\\u%04x", ch));
	}

}
