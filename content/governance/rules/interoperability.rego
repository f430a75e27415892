# Northwind's interoperability standard (content/governance/interoperability-standard.md):
# the parts that governance/policies.yaml cannot express. `meshport check` and
# `meshport build` evaluate this policy; findings appear as `rego.interoperability.<rule>`.
package meshport.interoperability

# "All descriptors use `tenant: northwind`."
deny_product contains {
	"rule": "tenant",
	"msg": sprintf("product `%s` has tenant `%v`; every Northwind descriptor uses `tenant: northwind`", [input.product.id, tenant]),
	"path": "/tenant",
	"hint": "set `tenant: northwind`",
} if {
	tenant := object.get(input.product, "tenant", "(none)")
	tenant != "northwind"
}

# Consumers choose a port by its description: an active product describes every output port.
deny_product contains {
	"rule": "port-description",
	"severity": "warning",
	"msg": sprintf("output port `%v` of active product `%s` has no description", [object.get(port, "name", i), input.product.id]),
	"path": ["outputPorts", i],
	"hint": "add `description:` saying what the port delivers, in which technology and how fresh",
} if {
	input.product.status == "active"
	some i, port in input.product.outputPorts
	blank(object.get(port, "description", null))
}

# "Kafka topics: `<domain>.<dataset>.v<major>`. A new major version of the contract gets a new
# topic." Contracts of external sources (input ports) record the source as it is, so only the
# contracts a product publishes are checked.
deny_product contains {
	"rule": "topic-name",
	"msg": sprintf("topic `%v` of contract `%s` %s does not follow `<domain>.<dataset>.v<major>`; expected `%s.<dataset>.v%s`", [topic, c.contract.id, c.contract.version, domain_of(c.contract), major(c.contract)]),
	"file": c.file,
	"path": path,
	"hint": "rename the topic, or publish a new major version of the contract with a new topic",
} if {
	some c in input.contracts
	c.direction == "output"
	some [path, topic] in topics(c.contract)
	not valid_topic(topic, c.contract)
}

# Drafts may still change without notice: an active product should not build on one.
deny_mesh contains {
	"rule": "draft-input",
	"severity": "warning",
	"msg": sprintf("active product `%s` reads contract `%s` of %s product `%s`", [e.to, e.contractId, producer.product.status, e.from]),
	"file": consumer.file,
	"path": ["inputPorts", i, "contractId"],
	"hint": "wait until the upstream product is active, or agree the dependency with its owner in writing",
} if {
	some e in input.edges
	e.from != null
	producer := products[e.from]
	consumer := products[e.to]
	producer.product.status in {"draft", "proposed"}
	consumer.product.status == "active"
	some i, port in consumer.product.inputPorts
	port.contractId == e.contractId
}

products[id] := bundle if {
	some bundle in input.products
	id := bundle.product.id
}

blank(x) if not is_string(x)

blank(x) if {
	is_string(x)
	trim_space(x) == ""
}

# Topic names of a contract, each with its path in the contract file: schema objects of
# physical type `topic`, and `topic` properties of Kafka servers.
topics(contract) := {[["schema", i, "physicalName"], obj.physicalName] |
	some i, obj in contract.schema
	obj.physicalType == "topic"
} | {[["servers", i, "customProperties", j, "value"], prop.value] |
	some i, server in contract.servers
	server.type == "kafka"
	some j, prop in server.customProperties
	prop.property == "topic"
}

domain_of(contract) := object.get(contract, "domain", object.get(input.product, "domain", "<domain>"))

major(contract) := split(sprintf("%v", [object.get(contract, "version", "1")]), ".")[0]

valid_topic(topic, contract) if {
	is_string(topic)
	regex.match(sprintf(`^%s\.[a-z0-9]+(-[a-z0-9]+)*\.v%s$`, [domain_of(contract), major(contract)]), topic)
}
