# careflow on AWS: MSK (3 brokers, RF 3, min ISR 2), DocumentDB, RDS PostgreSQL with logical replication, ECS Fargate
# services (2 tasks per app), Apicurio Registry and a Kafka Connect worker on ECS, an ALB in front of the HTTP apps.
# Secrets stay in Secrets Manager: task definitions reference their ARNs, and no output carries a secret.

data "aws_region" "current" {}

locals {
  tags = merge({ "app" = "careflow" }, var.tags)

  # Host name prefix (<prefix>.<domain_name>) of each app the load balancer serves.
  public_hosts = {
    "ingest-api"            = "ingest"
    "streams-triage"        = "triage"
    "streams-scheduling"    = "scheduling"
    "streams-notifications" = "notifications"
    "streams-masterdata"    = "masterdata"
  }

  application_ids = {
    "streams-triage"        = "careflow-triage"
    "streams-scheduling"    = "careflow-scheduling"
    "streams-notifications" = "careflow-notifications"
    "streams-masterdata"    = "careflow-masterdata"
  }

  internal_domain = "${var.name_prefix}.internal"
  registry_url    = "http://registry.${local.internal_domain}:8080/apis/registry/v3"

  # Settings every app shares; each app adds its own (application id) and var.app_environment.
  common_environment = {
    CAREFLOW_KAFKA_BOOTSTRAP_SERVERS     = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
    CAREFLOW_KAFKA_SECURITY_PROTOCOL     = "SASL_SSL"
    CAREFLOW_KAFKA_SASL_MECHANISM        = "SCRAM-SHA-512"
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

  # The cluster secret goes to every app: the streams apps' instances sign the queries they forward with it.
  common_secrets = {
    CAREFLOW_KAFKA_SASL_JAAS_CONFIG = var.secret_arns.kafka_sasl_jaas_config
    CAREFLOW_QUERY_FORWARD_SECRET   = var.secret_arns.query_forward_secret
    CAREFLOW_REGISTRY_CLIENT_SECRET = var.secret_arns.apps_registry_client_secret
  }

  # Settings of one app that name another: the ingest API reads the booking saga's decisions (FHIR $book) from
  # streams-scheduling through the load balancer, with the caller's own token.
  app_links = {
    "ingest-api" = { CAREFLOW_FHIR_SCHEDULING_URL = "https://${local.public_hosts["streams-scheduling"]}.${var.domain_name}" }
  }

  app_secrets = {
    "ingest-api" = {
      CAREFLOW_WHATSAPP_APP_SECRET   = var.secret_arns.whatsapp_app_secret
      CAREFLOW_WHATSAPP_VERIFY_TOKEN = var.secret_arns.whatsapp_verify_token
    }
    # The dispatcher sends: only it holds the Cloud API token and the SMTP password.
    "notifications-dispatcher" = {
      CAREFLOW_WHATSAPP_ACCESS_TOKEN = var.secret_arns.whatsapp_access_token
      CAREFLOW_SMTP_PASSWORD         = var.secret_arns.smtp_password
    }
  }

  # Every ECS service: the six apps (the notifications dispatcher is internal: no host, no load balancer), the schema
  # registry and the Connect worker.
  services = merge(
    {
      for app, size in var.apps : app => {
        image         = "${var.image_repository}/${app}:${var.image_tag}"
        port          = 8080
        health_path   = "/health/live"
        cpu           = size.cpu
        memory        = size.memory
        desired_count = size.desired_count
        environment = merge(
          local.common_environment,
          contains(keys(local.application_ids), app) ? { CAREFLOW_APPLICATION_ID = local.application_ids[app] } : {},
          lookup(local.app_links, app, {}),
          lookup(var.app_environment, app, {}),
        )
        secrets   = merge(local.common_secrets, lookup(local.app_secrets, app, {}))
        discovery = false
      }
    },
    {
      "registry" = {
        image         = var.registry_image
        port          = 8080
        health_path   = "/health/ready"
        cpu           = 1024
        memory        = 2048
        desired_count = 2
        environment = {
          APICURIO_STORAGE_KIND        = "sql"
          APICURIO_STORAGE_SQL_KIND    = "postgresql"
          APICURIO_DATASOURCE_URL      = "jdbc:postgresql://${aws_db_instance.postgres.address}:5432/registry"
          APICURIO_DATASOURCE_USERNAME = "registry"
          # Tokens of the apps' identity provider: reads are open (the apps and the sinks only read schemas), registering
          # needs role sr-developer, the global rules sr-admin (a token, or a client's id and secret as HTTP Basic).
          QUARKUS_OIDC_TENANT_ENABLED                     = "true"
          QUARKUS_OIDC_AUTH_SERVER_URL                    = var.auth.issuer
          QUARKUS_OIDC_CLIENT_ID                          = "registry-api"
          APICURIO_AUTH_ROLE_BASED_AUTHORIZATION          = "true"
          APICURIO_AUTH_ANONYMOUS_READ_ACCESS_ENABLED     = "true"
          APICURIO_AUTHN_BASIC_CLIENT_CREDENTIALS_ENABLED = "true"
        }
        secrets   = { APICURIO_DATASOURCE_PASSWORD = var.secret_arns.registry_db_password }
        discovery = true
      }
      "connect" = {
        image         = "${var.image_repository}/connect:${var.image_tag}"
        port          = 8083
        health_path   = "/health"
        cpu           = 1024
        memory        = 2048
        desired_count = 2
        environment = {
          CONNECT_BOOTSTRAP_SERVERS          = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
          CONNECT_SECURITY_PROTOCOL          = "SASL_SSL"
          CONNECT_SASL_MECHANISM             = "SCRAM-SHA-512"
          CONNECT_PRODUCER_SECURITY_PROTOCOL = "SASL_SSL"
          CONNECT_PRODUCER_SASL_MECHANISM    = "SCRAM-SHA-512"
          CONNECT_CONSUMER_SECURITY_PROTOCOL = "SASL_SSL"
          CONNECT_CONSUMER_SASL_MECHANISM    = "SCRAM-SHA-512"
          CONNECT_REST_USER                  = "careflow-connect-admin"
        }
        # The REST API's password (HTTP Basic), and the connectors' secrets: connector configurations name them as
        # ${env:...} (connectors/worker/connect-distributed.properties), so the REST API never returns them.
        secrets = {
          CONNECT_SASL_JAAS_CONFIG          = var.secret_arns.kafka_sasl_jaas_config
          CONNECT_PRODUCER_SASL_JAAS_CONFIG = var.secret_arns.kafka_sasl_jaas_config
          CONNECT_CONSUMER_SASL_JAAS_CONFIG = var.secret_arns.kafka_sasl_jaas_config
          CONNECT_REST_PASSWORD             = var.secret_arns.connect_rest_password
          SINK_JDBC_PASSWORD                = var.secret_arns.sink_db_password
          MASTERDATA_PASSWORD               = var.secret_arns.debezium_db_password
          MONGO_URI                         = var.secret_arns.mongo_uri
          REGISTRY_CLIENT_SECRET            = var.secret_arns.registry_client_secret
        }
        discovery = true
      }
    },
  )
}
