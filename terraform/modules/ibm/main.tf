# careflow on IBM Cloud: Event Streams (Kafka: replication factor 3, min ISR 2), Databases for PostgreSQL (logical
# replication) and for MongoDB (a three-member replica set), Code Engine apps (2 instances per careflow app), Apicurio
# Registry and a Kafka Connect worker on Code Engine. Secrets go into one Code Engine secret the apps read as variables.

locals {
  public_apps = ["ingest-api", "streams-triage", "streams-scheduling", "streams-notifications", "streams-masterdata"]

  application_ids = {
    "streams-triage"        = "careflow-triage"
    "streams-scheduling"    = "careflow-scheduling"
    "streams-notifications" = "careflow-notifications"
    "streams-masterdata"    = "careflow-masterdata"
  }

  # docker/kafka/topics.txt: "name partitions config=value,..." per line; # starts a comment.
  topic_lines = [for line in split("\n", file(var.topics_file)) : trimspace(line) if trimspace(line) != "" && !startswith(trimspace(line), "#")]
  topics = {
    for line in local.topic_lines : split(" ", line)[0] => {
      partitions = tonumber(split(" ", line)[1])
      config     = length(split(" ", line)) > 2 ? { for kv in split(",", split(" ", line)[2]) : split("=", kv)[0] => split("=", kv)[1] } : {}
    }
  }

  kafka_brokers = join(",", [
    for key in sort(keys(ibm_resource_key.event_streams.credentials)) : ibm_resource_key.event_streams.credentials[key]
    if startswith(key, "kafka_brokers_sasl.")
  ])

  registry_url = "${ibm_code_engine_app.registry.endpoint_internal}/apis/registry/v3"

  common_environment = {
    CAREFLOW_KAFKA_BOOTSTRAP_SERVERS     = local.kafka_brokers
    CAREFLOW_KAFKA_SECURITY_PROTOCOL     = "SASL_SSL"
    CAREFLOW_KAFKA_SASL_MECHANISM        = "PLAIN"
    CAREFLOW_REGISTRY_URL                = local.registry_url
    CAREFLOW_HTTP_PORT                   = "8080"
    CAREFLOW_INTERNAL_REPLICATION_FACTOR = "3"
    CAREFLOW_NUM_STANDBY_REPLICAS        = "1"
    CAREFLOW_AUTH_JWT_ISSUER             = var.auth.issuer
    CAREFLOW_AUTH_JWT_AUDIENCE           = var.auth.audience
    CAREFLOW_AUTH_JWT_JWKS_URL           = var.auth.jwks_url
    # The apps' registry client (role sr-developer): the streams apps register their state stores' schemas.
    CAREFLOW_REGISTRY_CLIENT_ID = "careflow-apps"
  }

  # Environment variable => key of the Code Engine secret.
  common_secret_refs = {
    CAREFLOW_KAFKA_SASL_JAAS_CONFIG = "kafka-sasl-jaas-config"
    CAREFLOW_QUERY_FORWARD_SECRET   = "query-forward-secret"
    CAREFLOW_REGISTRY_CLIENT_SECRET = "apps-registry-client-secret"
  }
  app_secret_refs = {
    "ingest-api" = {
      CAREFLOW_WHATSAPP_APP_SECRET   = "whatsapp-app-secret"
      CAREFLOW_WHATSAPP_VERIFY_TOKEN = "whatsapp-verify-token"
    }
    # The dispatcher sends: only it holds the Cloud API token and the SMTP password.
    "notifications-dispatcher" = {
      CAREFLOW_WHATSAPP_ACCESS_TOKEN = "whatsapp-access-token"
      CAREFLOW_SMTP_PASSWORD         = "smtp-password"
    }
  }
}

# --- Kafka: Event Streams ---

resource "ibm_resource_instance" "event_streams" {
  name              = "${var.name_prefix}-kafka"
  service           = "messagehub"
  plan              = var.event_streams_plan
  location          = var.region
  resource_group_id = var.resource_group_id
  tags              = var.tags
}

# The apps' credential: its API key is the SASL password (kept in the state and in the Code Engine secret only).
resource "ibm_resource_key" "event_streams" {
  name                 = "${var.name_prefix}-apps"
  resource_instance_id = ibm_resource_instance.event_streams.id
  role                 = "Writer"
  tags                 = var.tags
}

resource "ibm_event_streams_topic" "this" {
  for_each             = local.topics
  resource_instance_id = ibm_resource_instance.event_streams.id
  name                 = each.key
  partitions           = each.value.partitions
  config               = each.value.config
}

# --- Databases ---

resource "ibm_database" "postgres" {
  name              = "${var.name_prefix}-postgres"
  service           = "databases-for-postgresql"
  plan              = "standard"
  location          = var.region
  resource_group_id = var.resource_group_id
  version           = var.postgres_version
  adminpassword     = var.secrets.postgres_admin_password
  service_endpoints = "private"
  tags              = var.tags

  # Logical decoding for Debezium's capture of the master-data tables.
  configuration = jsonencode({
    wal_level             = "logical"
    max_replication_slots = 10
    max_wal_senders       = 20
  })

  group {
    group_id = "member"
    memory {
      allocation_mb = var.database_memory_mb
    }
    disk {
      allocation_mb = var.database_disk_mb
    }
  }
}

# A three-member replica set, as the MongoDB sink needs.
resource "ibm_database" "mongodb" {
  name              = "${var.name_prefix}-mongodb"
  service           = "databases-for-mongodb"
  plan              = "standard"
  location          = var.region
  resource_group_id = var.resource_group_id
  version           = var.mongodb_version
  adminpassword     = var.secrets.mongodb_admin_password
  service_endpoints = "private"
  tags              = var.tags

  group {
    group_id = "member"
    memory {
      allocation_mb = var.database_memory_mb
    }
    disk {
      allocation_mb = var.database_disk_mb
    }
  }
}

data "ibm_database_connection" "postgres" {
  deployment_id = ibm_database.postgres.id
  user_type     = "database"
  user_id       = "admin"
  endpoint_type = "private"
}

# --- Code Engine ---

resource "ibm_code_engine_project" "this" {
  name              = var.name_prefix
  resource_group_id = var.resource_group_id
}

resource "ibm_code_engine_secret" "careflow" {
  project_id = ibm_code_engine_project.this.project_id
  name       = "careflow"
  format     = "generic"
  data = {
    "kafka-sasl-jaas-config"      = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"token\" password=\"${ibm_resource_key.event_streams.credentials["apikey"]}\";"
    "registry-db-password"        = var.secrets.registry_db_password
    "whatsapp-app-secret"         = var.secrets.whatsapp_app_secret
    "whatsapp-verify-token"       = var.secrets.whatsapp_verify_token
    "whatsapp-access-token"       = var.secrets.whatsapp_access_token
    "smtp-password"               = var.secrets.smtp_password
    "query-forward-secret"        = var.secrets.query_forward_secret
    "connect-rest-password"       = var.secrets.connect_rest_password
    "sink-db-password"            = var.secrets.sink_db_password
    "debezium-db-password"        = var.secrets.debezium_db_password
    "mongo-uri"                   = var.secrets.mongo_uri
    "registry-client-secret"      = var.secrets.registry_client_secret
    "apps-registry-client-secret" = var.secrets.apps_registry_client_secret
  }
}

resource "ibm_code_engine_app" "registry" {
  project_id              = ibm_code_engine_project.this.project_id
  name                    = "registry"
  image_reference         = var.registry_image
  image_port              = 8080
  managed_domain_mappings = "local_private"
  scale_min_instances     = 2
  scale_max_instances     = 2
  scale_cpu_limit         = "1"
  scale_memory_limit      = "4G"

  run_env_variables {
    type  = "literal"
    name  = "APICURIO_STORAGE_KIND"
    value = "sql"
  }
  run_env_variables {
    type  = "literal"
    name  = "APICURIO_STORAGE_SQL_KIND"
    value = "postgresql"
  }
  run_env_variables {
    type  = "literal"
    name  = "APICURIO_DATASOURCE_URL"
    value = "jdbc:postgresql://${data.ibm_database_connection.postgres.postgres[0].hosts[0].hostname}:${data.ibm_database_connection.postgres.postgres[0].hosts[0].port}/registry?sslmode=require"
  }
  run_env_variables {
    type  = "literal"
    name  = "APICURIO_DATASOURCE_USERNAME"
    value = "registry"
  }
  run_env_variables {
    type      = "secret_key_reference"
    name      = "APICURIO_DATASOURCE_PASSWORD"
    reference = ibm_code_engine_secret.careflow.name
    key       = "registry-db-password"
  }

  # Tokens of the apps' identity provider: reads are open (the apps and the sinks only read schemas), registering needs
  # role sr-developer, the global rules sr-admin (a token, or a client's id and secret as HTTP Basic).
  dynamic "run_env_variables" {
    for_each = {
      QUARKUS_OIDC_TENANT_ENABLED                     = "true"
      QUARKUS_OIDC_AUTH_SERVER_URL                    = var.auth.issuer
      QUARKUS_OIDC_CLIENT_ID                          = "registry-api"
      APICURIO_AUTH_ROLE_BASED_AUTHORIZATION          = "true"
      APICURIO_AUTH_ANONYMOUS_READ_ACCESS_ENABLED     = "true"
      APICURIO_AUTHN_BASIC_CLIENT_CREDENTIALS_ENABLED = "true"
    }
    content {
      type  = "literal"
      name  = run_env_variables.key
      value = run_env_variables.value
    }
  }
}

resource "ibm_code_engine_app" "connect" {
  project_id              = ibm_code_engine_project.this.project_id
  name                    = "connect"
  image_reference         = "${var.image_repository}/connect:${var.image_tag}"
  image_secret            = var.image_pull_secret
  image_port              = 8083
  managed_domain_mappings = "local_private"
  scale_min_instances     = 1
  scale_max_instances     = 2
  scale_cpu_limit         = "1"
  scale_memory_limit      = "4G"

  dynamic "run_env_variables" {
    for_each = {
      CONNECT_BOOTSTRAP_SERVERS          = local.kafka_brokers
      CONNECT_SECURITY_PROTOCOL          = "SASL_SSL"
      CONNECT_SASL_MECHANISM             = "PLAIN"
      CONNECT_PRODUCER_SECURITY_PROTOCOL = "SASL_SSL"
      CONNECT_PRODUCER_SASL_MECHANISM    = "PLAIN"
      CONNECT_CONSUMER_SECURITY_PROTOCOL = "SASL_SSL"
      CONNECT_CONSUMER_SASL_MECHANISM    = "PLAIN"
      CONNECT_REST_USER                  = "careflow-connect-admin"
    }
    content {
      type  = "literal"
      name  = run_env_variables.key
      value = run_env_variables.value
    }
  }

  dynamic "run_env_variables" {
    for_each = toset(["CONNECT_SASL_JAAS_CONFIG", "CONNECT_PRODUCER_SASL_JAAS_CONFIG", "CONNECT_CONSUMER_SASL_JAAS_CONFIG"])
    content {
      type      = "secret_key_reference"
      name      = run_env_variables.value
      reference = ibm_code_engine_secret.careflow.name
      key       = "kafka-sasl-jaas-config"
    }
  }

  # The REST API's password, and the connectors' secrets, which connector configurations name as ${env:...}.
  dynamic "run_env_variables" {
    for_each = {
      CONNECT_REST_PASSWORD  = "connect-rest-password"
      SINK_JDBC_PASSWORD     = "sink-db-password"
      MASTERDATA_PASSWORD    = "debezium-db-password"
      MONGO_URI              = "mongo-uri"
      REGISTRY_CLIENT_SECRET = "registry-client-secret"
    }
    content {
      type      = "secret_key_reference"
      name      = run_env_variables.key
      reference = ibm_code_engine_secret.careflow.name
      key       = run_env_variables.value
    }
  }
}

resource "ibm_code_engine_app" "app" {
  for_each                = var.apps
  project_id              = ibm_code_engine_project.this.project_id
  name                    = each.key
  image_reference         = "${var.image_repository}/${each.key}:${var.image_tag}"
  image_secret            = var.image_pull_secret
  image_port              = 8080
  managed_domain_mappings = contains(local.public_apps, each.key) ? "local_public" : "local_private"
  # Kafka Streams instances keep their partitions and stores: never scale to zero, never more than asked.
  scale_min_instances = each.value.instances
  scale_max_instances = each.value.instances
  scale_cpu_limit     = each.value.cpu
  scale_memory_limit  = each.value.memory

  probe_readiness {
    type              = "http"
    path              = "/health/ready"
    port              = 8080
    initial_delay     = 20
    interval          = 10
    timeout           = 5
    failure_threshold = 6
  }

  probe_liveness {
    type              = "http"
    path              = "/health/live"
    port              = 8080
    initial_delay     = 60
    interval          = 15
    timeout           = 5
    failure_threshold = 4
  }

  dynamic "run_env_variables" {
    for_each = merge(
      local.common_environment,
      contains(keys(local.application_ids), each.key) ? { CAREFLOW_APPLICATION_ID = local.application_ids[each.key] } : {},
      lookup(var.app_environment, each.key, {}),
    )
    content {
      type  = "literal"
      name  = run_env_variables.key
      value = run_env_variables.value
    }
  }

  dynamic "run_env_variables" {
    for_each = merge(local.common_secret_refs, lookup(local.app_secret_refs, each.key, {}))
    content {
      type      = "secret_key_reference"
      name      = run_env_variables.key
      reference = ibm_code_engine_secret.careflow.name
      key       = run_env_variables.value
    }
  }
}
