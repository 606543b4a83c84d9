package io.stevedore.machinery.conversion;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class EventsV1ConversionTest {

	static final ObjectMapper MAPPER = new ObjectMapper();

	final EventsV1Conversion conversion = new EventsV1Conversion(ResourceRegistry.standard());

	static ObjectNode json(String text) {
		try {
			return (ObjectNode) MAPPER.readTree(text.replace('\'', '"'));
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/** What kubelet's event recorder writes through core/v1, every field set. */
	static final String CORE = """
			{'kind':'Event','apiVersion':'v1',
			 'metadata':{'name':'web-1.17f','namespace':'shop','resourceVersion':'42'},
			 'involvedObject':{'kind':'Pod','namespace':'shop','name':'web-1','uid':'u1','apiVersion':'v1',
			                   'resourceVersion':'7','fieldPath':'spec.containers{app}'},
			 'reason':'Pulled','message':'Container image pulled',
			 'source':{'component':'kubelet','host':'node-a'},
			 'firstTimestamp':'2026-12-05T10:00:00Z','lastTimestamp':'2026-12-05T10:01:00Z','count':3,
			 'type':'Normal','eventTime':'2026-12-05T10:00:00.123456Z',
			 'series':{'count':3,'lastObservedTime':'2026-12-05T10:01:00.000001Z'},
			 'action':'Pulling','related':{'kind':'Node','name':'node-a'},
			 'reportingComponent':'kubelet','reportingInstance':'node-a'}""";

	/** The same event as events.k8s.io/v1 shows it. */
	static final String EVENTS_V1 = """
			{'kind':'Event','apiVersion':'events.k8s.io/v1',
			 'metadata':{'name':'web-1.17f','namespace':'shop','resourceVersion':'42'},
			 'regarding':{'kind':'Pod','namespace':'shop','name':'web-1','uid':'u1','apiVersion':'v1',
			              'resourceVersion':'7','fieldPath':'spec.containers{app}'},
			 'reason':'Pulled','note':'Container image pulled',
			 'deprecatedSource':{'component':'kubelet','host':'node-a'},
			 'deprecatedFirstTimestamp':'2026-12-05T10:00:00Z','deprecatedLastTimestamp':'2026-12-05T10:01:00Z',
			 'deprecatedCount':3,
			 'type':'Normal','eventTime':'2026-12-05T10:00:00.123456Z',
			 'series':{'count':3,'lastObservedTime':'2026-12-05T10:01:00.000001Z'},
			 'action':'Pulling','related':{'kind':'Node','name':'node-a'},
			 'reportingController':'kubelet','reportingInstance':'node-a'}""";

	@Test
	void aCoreEventIsServedWithTheEventsFieldNames() {
		assertThat(this.conversion.toServed(json(CORE))).isEqualTo(json(EVENTS_V1));
	}

	@Test
	void anEventsV1EventIsStoredWithTheCoreFieldNames() {
		assertThat(this.conversion.toStorage(json(EVENTS_V1))).isEqualTo(json(CORE));
	}

	@Test
	void roundTripsLoseNothingEitherWay() {
		ObjectNode core = json(CORE);
		ObjectNode events = json(EVENTS_V1);
		assertThat(this.conversion.toStorage(this.conversion.toServed(core))).isEqualTo(json(CORE));
		assertThat(this.conversion.toServed(this.conversion.toStorage(events))).isEqualTo(json(EVENTS_V1));
		// and the arguments were not touched
		assertThat(core).isEqualTo(json(CORE));
		assertThat(events).isEqualTo(json(EVENTS_V1));
	}

	static Stream<Arguments> fields() {
		return Stream.of(arguments("{'note':'hi'}", "{'message':'hi'}"),
				arguments("{'regarding':{'name':'a'}}", "{'involvedObject':{'name':'a'}}"),
				arguments("{'reportingController':'c'}", "{'reportingComponent':'c'}"),
				arguments("{'reportingInstance':'i'}", "{'reportingInstance':'i'}"),
				arguments("{'deprecatedSource':{'host':'h'}}", "{'source':{'host':'h'}}"),
				arguments("{'deprecatedCount':2}", "{'count':2}"),
				arguments("{'deprecatedFirstTimestamp':'t'}", "{'firstTimestamp':'t'}"),
				arguments("{'deprecatedLastTimestamp':'t'}", "{'lastTimestamp':'t'}"),
				arguments("{'eventTime':'t','action':'a','reason':'r','type':'Warning'}",
						"{'eventTime':'t','action':'a','reason':'r','type':'Warning'}"),
				arguments("{'series':{'count':2,'lastObservedTime':'t'}}",
						"{'series':{'count':2,'lastObservedTime':'t'}}"),
				arguments("{'related':{'kind':'Node'}}", "{'related':{'kind':'Node'}}"),
				// a core-only name sent to events.k8s.io is no field there: dropped, not
				// taken as the field of the same name in storage
				arguments("{'message':'x','note':'n'}", "{'message':'n'}"),
				arguments("{'involvedObject':{'name':'x'}}", "{}"),
				// another apiVersion stays, for the decoder to refuse
				arguments("{'apiVersion':'events.k8s.io/v1beta1'}", "{'apiVersion':'events.k8s.io/v1beta1'}"),
				arguments("{'apiVersion':'events.k8s.io/v1'}", "{'apiVersion':'v1'}"));
	}

	@ParameterizedTest
	@MethodSource("fields")
	void eachFieldMapsToItsStorageField(String served, String stored) {
		assertThat(this.conversion.toStorage(json(served))).isEqualTo(json(stored));
	}

	@Test
	void aStoredObjectAlwaysGetsTheServedKindAndVersion() {
		ObjectNode served = this.conversion.toServed(json("{'metadata':{'name':'e'},'message':'m'}"));
		assertThat(served).isEqualTo(
				json("{'metadata':{'name':'e'},'note':'m','kind':'Event'," + "'apiVersion':'events.k8s.io/v1'}"));
	}

	@Test
	void isRegisteredForEventsK8sIoOnly() {
		assertThat(Conversions.standard().find("events.k8s.io", "v1", "events")).isPresent();
		assertThat(Conversions.standard().find("", "v1", "events")).isEmpty();
	}

	static Stream<Arguments> invalidCreates() {
		String valid = "'eventTime':'2026-12-05T10:00:00.000000Z','reportingController':'example.com/ctl',"
				+ "'reportingInstance':'ctl-1','action':'Scale','reason':'Scaled','type':'Normal'";
		return Stream.of(arguments("{}", "eventTime"),
				arguments("{" + valid.replace("'eventTime':'2026-12-05T10:00:00.000000Z',", "") + "}", "eventTime"),
				arguments("{" + valid.replace("'reportingController':'example.com/ctl',", "") + "}",
						"reportingController"),
				arguments("{" + valid.replace("'reportingInstance':'ctl-1',", "") + "}", "reportingInstance"),
				arguments("{" + valid.replace("'action':'Scale',", "") + "}", "action"),
				arguments("{" + valid.replace("'reason':'Scaled',", "") + "}", "reason"),
				arguments("{" + valid.replace("Normal", "Info") + "}", "type"),
				arguments("{" + valid + ",'deprecatedCount':1}", "deprecatedCount"),
				arguments("{" + valid + ",'deprecatedSource':{'component':'x'}}", "deprecatedSource"),
				arguments("{" + valid + ",'deprecatedFirstTimestamp':'2026-12-05T10:00:00Z'}",
						"deprecatedFirstTimestamp"),
				arguments("{" + valid + ",'series':{'count':1,'lastObservedTime':'2026-12-05T10:00:00.000000Z'}}",
						"series.count"),
				arguments("{" + valid + ",'series':{'count':2}}", "series.lastObservedTime"),
				arguments("{" + valid + ",'action':'" + "a".repeat(129) + "'}", "action"));
	}

	@ParameterizedTest
	@MethodSource("invalidCreates")
	void aCreateWithoutTheNewStyleFieldsIsInvalidNamingTheField(String body, String field) {
		assertThat(this.conversion.validateCreate(json(body))).extracting(FieldError::field).contains(field);
	}

	@Test
	void aCompleteNewStyleEventIsValid() {
		assertThat(this.conversion.validateCreate(json("{'eventTime':'2026-12-05T10:00:00.000000Z',"
				+ "'reportingController':'example.com/ctl','reportingInstance':'ctl-1','action':'Scale',"
				+ "'reason':'Scaled','type':'Warning','note':'n','regarding':{'kind':'Pod','name':'p'}}")))
			.isEmpty();
	}

}
