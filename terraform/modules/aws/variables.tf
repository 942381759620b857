variable "name_prefix" {
  description = "Prefix of every resource name, e.g. careflow-prod. Lower case letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lower case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "vpc_id" {
  description = "VPC the cluster, databases and services run in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets, one per availability zone (at least 3: the MSK brokers and the databases spread over them)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 3
    error_message = "Give at least 3 private subnets in 3 availability zones: MSK places one broker in each."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets for the load balancer (at least 2 availability zones)."
  type        = list(string)
}

variable "allowed_ingress_cidrs" {
  description = "CIDR blocks that may reach the load balancer's HTTPS listener."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "ACM certificate of the load balancer's HTTPS listener; it must cover <app>.<domain_name> for the public apps."
  type        = string
}

variable "domain_name" {
  description = "Domain the public apps answer under: ingest.<domain>, triage.<domain>, scheduling.<domain>, notifications.<domain>, masterdata.<domain>. Point these names (DNS) at the load balancer."
  type        = string
}

variable "image_repository" {
  description = "Registry and namespace of careflow's images, e.g. ghcr.io/hospital/careflow: images are <repository>/<app>:<tag>."
  type        = string
}

variable "image_tag" {
  description = "Tag of careflow's images to run (a release or commit tag; avoid latest in production)."
  type        = string
}

variable "registry_image" {
  description = "Apicurio Registry server image."
  type        = string
  default     = "apicurio/apicurio-registry:3.3.3"
}

variable "kafka_version" {
  description = "Kafka version of the MSK cluster (a version MSK offers, in KRaft mode)."
  type        = string
  default     = "4.0.x.kraft"
}

variable "msk_instance_type" {
  description = "MSK broker instance type."
  type        = string
  default     = "kafka.m7g.large"
}

variable "msk_broker_count" {
  description = "Number of MSK brokers: a multiple of the number of private subnets, at least 3 (replication factor 3, min ISR 2)."
  type        = number
  default     = 3

  validation {
    condition     = var.msk_broker_count >= 3
    error_message = "careflow replicates every topic 3 times and needs 2 in-sync replicas: run at least 3 brokers."
  }
}

variable "msk_volume_size_gb" {
  description = "EBS storage per MSK broker, in GiB."
  type        = number
  default     = 500
}

variable "msk_default_partitions" {
  description = "Partitions of topics created without a count (Kafka Streams' internal topics follow their sources). Enough to scale out: at most one active task per partition."
  type        = number
  default     = 12
}

variable "docdb_instance_class" {
  description = "DocumentDB instance class."
  type        = string
  default     = "db.r6g.large"
}

variable "docdb_instance_count" {
  description = "DocumentDB instances (one primary, the rest replicas): 3 for a replica set across three zones."
  type        = number
  default     = 3
}

variable "docdb_master_username" {
  description = "DocumentDB master user name (its password is the secret secret_arns.docdb_master_password)."
  type        = string
  default     = "careflow"
}

variable "postgres_version" {
  description = "RDS PostgreSQL major version (the parameter group family is postgres<version>)."
  type        = string
  default     = "17"
}

variable "postgres_instance_class" {
  description = "RDS PostgreSQL instance class."
  type        = string
  default     = "db.m7g.large"
}

variable "postgres_storage_gb" {
  description = "RDS PostgreSQL allocated storage, in GiB."
  type        = number
  default     = 100
}

variable "postgres_multi_az" {
  description = "Whether RDS PostgreSQL keeps a standby in another zone."
  type        = bool
  default     = true
}

variable "auth" {
  description = "How the apps check bearer tokens: the identity provider's issuer, the audience of careflow's tokens, and its JWKS URL (https)."
  type = object({
    issuer   = string
    audience = string
    jwks_url = string
  })
}

variable "secret_arns" {
  description = <<-EOT
    ARNs of AWS Secrets Manager secrets (each a plain string) the services read at start; Terraform never reads their values.
      kafka_sasl_jaas_config : JAAS line of the apps' SCRAM user, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username="careflow" password="...";
      msk_scram_user         : the MSK SCRAM secret (name starting AmazonMSK_, encrypted with a customer managed KMS key) to associate with the cluster
      docdb_master_password  : DocumentDB master password
      registry_db_password   : password of the registry's PostgreSQL role
      whatsapp_app_secret    : Meta app secret (ingest-api webhook signatures)
      whatsapp_verify_token  : webhook verify token (ingest-api)
      whatsapp_access_token  : Cloud API access token (notifications-dispatcher)
      smtp_password          : SMTP password (notifications-dispatcher)
      query_forward_secret   : the cluster secret (32+ random characters) instances sign forwarded queries with (query.forward.secret)
      connect_rest_password  : password of the Connect REST API's user careflow-connect-admin (HTTP Basic)
      sink_db_password       : password of the sink connectors' PostgreSQL role careflow
      debezium_db_password   : password of the CDC source's PostgreSQL role debezium
      mongo_uri              : the MongoDB sink's connection string, with its user and password
      registry_client_secret : secret of the identity provider client careflow-connect (role sr-developer), as which the CDC source registers schemas
      apps_registry_client_secret : secret of the identity provider client careflow-apps (role sr-developer), as which the apps read schemas and the streams apps register their stores'
  EOT
  type = object({
    kafka_sasl_jaas_config      = string
    msk_scram_user              = string
    docdb_master_password       = string
    registry_db_password        = string
    whatsapp_app_secret         = string
    whatsapp_verify_token       = string
    whatsapp_access_token       = string
    smtp_password               = string
    query_forward_secret        = string
    connect_rest_password       = string
    sink_db_password            = string
    debezium_db_password        = string
    mongo_uri                   = string
    registry_client_secret      = string
    apps_registry_client_secret = string
  })
}

variable "apps" {
  description = "Size of each careflow app's tasks and how many run (2 or more: instances of one app share its partitions, and a standby keeps its stores warm). Keys: ingest-api, streams-triage, streams-scheduling, streams-notifications, streams-masterdata, notifications-dispatcher."
  type = map(object({
    cpu           = number
    memory        = number
    desired_count = number
  }))
  default = {
    "ingest-api"            = { cpu = 1024, memory = 2048, desired_count = 2 }
    "streams-triage"        = { cpu = 1024, memory = 2048, desired_count = 2 }
    "streams-scheduling"    = { cpu = 1024, memory = 2048, desired_count = 2 }
    "streams-notifications" = { cpu = 1024, memory = 2048, desired_count = 2 }
    "streams-masterdata"    = { cpu = 512, memory = 1024, desired_count = 2 }
    # No stores: a small task sends and waits on the Cloud API.
    "notifications-dispatcher" = { cpu = 512, memory = 1024, desired_count = 2 }
  }

  validation {
    condition     = alltrue([for a in values(var.apps) : a.desired_count >= 2])
    error_message = "Run at least 2 tasks of every app, so that one can be lost."
  }
}

variable "app_environment" {
  description = "Extra CAREFLOW_* settings (not secrets) per app, e.g. { \"notifications-dispatcher\" = { CAREFLOW_SMTP_HOST = \"smtp.hospital.example\" } }. See docs/configuration.md."
  type        = map(map(string))
  default     = {}
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the services' logs."
  type        = number
  default     = 30
}
