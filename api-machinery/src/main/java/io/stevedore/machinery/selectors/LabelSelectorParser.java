package io.stevedore.machinery.selectors;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A port of the lexer and recursive-descent parser of
 * k8s.io/apimachinery/pkg/labels/selector.go. The structure follows Go's closely on
 * purpose: which token is reported in an error message depends on exactly when the parser
 * looks ahead and when it consumes.
 * <p>
 * One instance parses one string, on one thread.
 */
final class LabelSelectorParser {

	private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

	private enum Token {

		END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER, IN,
		LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR

	}

	/** In a list of values, {@code in} and {@code notin} are plain identifiers. */
	private enum Context {

		KEY_AND_OPERATOR, VALUES

	}

	private record Item(Token token, String literal) {
	}

	private final String input;

	private int pos;

	private final List<Item> items = new ArrayList<>();

	private int position;

	LabelSelectorParser(String input) {
		this.input = input;
	}

	List<LabelSelector.Requirement> parse() {
		scan();
		List<LabelSelector.Requirement> requirements = new ArrayList<>();
		while (true) {
			Item next = lookahead(Context.VALUES);
			switch (next.token) {
				case IDENTIFIER, DOES_NOT_EXIST -> {
					requirements.add(parseRequirementOrFail());
					Item after = consume(Context.VALUES);
					switch (after.token) {
						case END_OF_STRING -> {
							return requirements;
						}
						case COMMA -> {
							Item following = lookahead(Context.VALUES);
							if (following.token != Token.IDENTIFIER && following.token != Token.DOES_NOT_EXIST) {
								throw error("found '" + following.literal + "', expected: identifier after ','");
							}
						}
						default -> throw error("found '" + after.literal + "', expected: ',' or 'end of string'");
					}
				}
				case END_OF_STRING -> {
					return requirements;
				}
				default -> throw error("found '" + next.literal + "', expected: !, identifier, or 'end of string'");
			}
		}
	}

	private LabelSelector.Requirement parseRequirementOrFail() {
		try {
			return parseRequirement();
		}
		catch (IllegalArgumentException ex) {
			throw error("unable to parse requirement: " + ex.getMessage());
		}
	}

	private LabelSelector.Requirement parseRequirement() {
		Item keyItem = consume(Context.VALUES);
		Operator operator = null;
		if (keyItem.token == Token.DOES_NOT_EXIST) {
			operator = Operator.DOES_NOT_EXIST;
			keyItem = consume(Context.VALUES);
		}
		if (keyItem.token != Token.IDENTIFIER) {
			throw error("found '" + keyItem.literal + "', expected: identifier");
		}
		String key = keyItem.literal;
		List<String> keyErrors = LabelValidation.isQualifiedName(key);
		if (!keyErrors.isEmpty()) {
			// The parser validates with a nil field path, which Go prints as "<nil>".
			throw error(
					SelectorErrors.invalid(SelectorErrors.NIL_PATH, GoText.quote(key), String.join("; ", keyErrors)));
		}
		Token following = lookahead(Context.VALUES).token;
		if ((following == Token.END_OF_STRING || following == Token.COMMA) && operator == null) {
			operator = Operator.EXISTS;
		}
		if (operator != null) {
			return LabelSelector.Requirement.create(key, operator, List.of());
		}
		operator = parseOperator();
		TreeSet<String> values = switch (operator) {
			case IN, NOT_IN -> parseValues();
			default -> parseExactValue();
		};
		List<String> sorted = new ArrayList<>(values);
		return LabelSelector.Requirement.create(key, operator, sorted);
	}

	private Operator parseOperator() {
		Item item = consume(Context.KEY_AND_OPERATOR);
		return switch (item.token) {
			case IN -> Operator.IN;
			case EQUALS -> Operator.EQUALS;
			case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
			case GREATER_THAN -> Operator.GREATER_THAN;
			case LESS_THAN -> Operator.LESS_THAN;
			case NOT_IN -> Operator.NOT_IN;
			case NOT_EQUALS -> Operator.NOT_EQUALS;
			default -> throw error("found '" + item.literal + "', expected: " + BINARY_OPERATORS);
		};
	}

	private TreeSet<String> parseValues() {
		Item open = consume(Context.VALUES);
		if (open.token != Token.OPEN_PAR) {
			throw error("found '" + open.literal + "' expected: '('");
		}
		Item next = lookahead(Context.VALUES);
		switch (next.token) {
			case IDENTIFIER, COMMA -> {
				TreeSet<String> values = parseIdentifiersList();
				if (consume(Context.VALUES).token != Token.CLOSED_PAR) {
					// Kubernetes reports the token that followed '(' here, not the
					// offending one.
					throw error("found '" + next.literal + "', expected: ')'");
				}
				return values;
			}
			case CLOSED_PAR -> {
				consume(Context.VALUES);
				return newValueSet("");
			}
			default -> throw error("found '" + next.literal + "', expected: ',', ')' or identifier");
		}
	}

	private TreeSet<String> parseIdentifiersList() {
		TreeSet<String> values = newValueSet();
		while (true) {
			Item item = consume(Context.VALUES);
			switch (item.token) {
				case IDENTIFIER -> {
					values.add(item.literal);
					Item next = lookahead(Context.VALUES);
					if (next.token == Token.CLOSED_PAR) {
						return values;
					}
					if (next.token != Token.COMMA) {
						throw error("found '" + next.literal + "', expected: ',' or ')'");
					}
				}
				case COMMA -> {
					// An empty value, as in "(,a)", "(a,)" or "(a,,b)".
					if (values.isEmpty()) {
						values.add("");
					}
					Token next = lookahead(Context.VALUES).token;
					if (next == Token.CLOSED_PAR) {
						values.add("");
						return values;
					}
					if (next == Token.COMMA) {
						consume(Context.VALUES);
						values.add("");
					}
				}
				default -> throw error("found '" + item.literal + "', expected: ',', or identifier");
			}
		}
	}

	private TreeSet<String> parseExactValue() {
		Token next = lookahead(Context.VALUES).token;
		if (next == Token.END_OF_STRING || next == Token.COMMA) {
			return newValueSet("");
		}
		Item item = consume(Context.VALUES);
		if (item.token == Token.IDENTIFIER) {
			return newValueSet(item.literal);
		}
		throw error("found '" + item.literal + "', expected: identifier");
	}

	private static TreeSet<String> newValueSet(String... initial) {
		TreeSet<String> set = new TreeSet<>(GoText.ORDER);
		set.addAll(List.of(initial));
		return set;
	}

	private Item lookahead(Context context) {
		return inContext(this.items.get(this.position), context);
	}

	private Item consume(Context context) {
		return inContext(this.items.get(this.position++), context);
	}

	private static Item inContext(Item item, Context context) {
		if (context == Context.VALUES && (item.token == Token.IN || item.token == Token.NOT_IN)) {
			return new Item(Token.IDENTIFIER, item.literal);
		}
		return item;
	}

	private static IllegalArgumentException error(String message) {
		return new IllegalArgumentException(message);
	}

	// ---- lexer ----

	private void scan() {
		Item item;
		do {
			item = lex();
			this.items.add(item);
		}
		while (item.token != Token.END_OF_STRING);
	}

	/** Like Go's reader: NUL stands both for a NUL character and for the end. */
	private char read() {
		if (this.pos < this.input.length()) {
			return this.input.charAt(this.pos++);
		}
		return 0;
	}

	private void unread() {
		this.pos--;
	}

	private Item lex() {
		char ch = read();
		while (isWhitespace(ch)) {
			ch = read();
		}
		if (ch == 0) {
			return new Item(Token.END_OF_STRING, "");
		}
		unread();
		return isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdentifierOrKeyword();
	}

	private Item scanIdentifierOrKeyword() {
		StringBuilder buffer = new StringBuilder();
		while (true) {
			char ch = read();
			if (ch == 0) {
				break;
			}
			if (isSpecialSymbol(ch) || isWhitespace(ch)) {
				unread();
				break;
			}
			buffer.append(ch);
		}
		String literal = buffer.toString();
		Token keyword = keyword(literal);
		return new Item(keyword == null ? Token.IDENTIFIER : keyword, literal);
	}

	/** The longest run of symbols that is an operator: "!=" rather than "!" then "=". */
	private Item scanSpecialSymbol() {
		StringBuilder buffer = new StringBuilder();
		Item last = null;
		while (true) {
			char ch = read();
			if (ch == 0) {
				break;
			}
			if (!isSpecialSymbol(ch)) {
				unread();
				break;
			}
			buffer.append(ch);
			Token token = keyword(buffer.toString());
			if (token != null) {
				last = new Item(token, buffer.toString());
			}
			else if (last != null) {
				unread();
				break;
			}
		}
		// Every single symbol is a token, so the first character always yields one.
		return last;
	}

	private static Token keyword(String literal) {
		return switch (literal) {
			case ")" -> Token.CLOSED_PAR;
			case "," -> Token.COMMA;
			case "!" -> Token.DOES_NOT_EXIST;
			case "==" -> Token.DOUBLE_EQUALS;
			case "=" -> Token.EQUALS;
			case ">" -> Token.GREATER_THAN;
			case "in" -> Token.IN;
			case "<" -> Token.LESS_THAN;
			case "!=" -> Token.NOT_EQUALS;
			case "notin" -> Token.NOT_IN;
			case "(" -> Token.OPEN_PAR;
			default -> null;
		};
	}

	private static boolean isWhitespace(char ch) {
		return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
	}

	private static boolean isSpecialSymbol(char ch) {
		return switch (ch) {
			case '=', '!', '(', ')', ',', '>', '<' -> true;
			default -> false;
		};
	}

}
