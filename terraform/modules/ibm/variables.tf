variable "name_prefix" {
  description = "Prefix of every resource name, e.g. careflow-prod. Lower case letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lower case letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "IBM Cloud region of every resource, e.g. eu-de."
  type        = string
}

variable "resource_group_id" {
  description = "ID of the resource group the service instances and the Code Engine project belong to."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = list(string)
  default     = []
}

variable "event_streams_plan" {
  description = "Event Streams plan: standard (multi-tenant) or enterprise-3nodes-2tb (dedicated). Both replicate every topic 3 times with min ISR 2."
  type        = string
  default     = "enterprise-3nodes-2tb"
}

variable "topics_file" {
  description = "Path of the topic list (name partitions config=value,... per line), generated from careflow's topic catalogue; the compose stack creates the same topics."
  type        = string
}

variable "postgres_version" {
  description = "Databases for PostgreSQL major version."
  type        = string
  default     = "17"
}

variable "mongodb_version" {
  description = "Databases for MongoDB major version."
  type        = string
  default     = "7.0"
}

variable "database_memory_mb" {
  description = "Memory per member of each database deployment, in MB."
  type        = number
  default     = 4096
}

variable "database_disk_mb" {
  description = "Disk per member of each database deployment, in MB."
  type        = number
  default     = 20480
}

variable "image_repository" {
  description = "Registry and namespace of careflow's images, e.g. icr.io/hospital/careflow or ghcr.io/hospital/careflow: images are <repository>/<app>:<tag>."
  type        = string
}

variable "image_tag" {
  description = "Tag of careflow's images to run (a release or commit tag; avoid latest in production)."
  type        = string
}

variable "image_pull_secret" {
  description = "Name of a Code Engine registry secret that can pull the images, or null for public images."
  type        = string
  default     = null
}

variable "registry_image" {
  description = "Apicurio Registry server image."
  type        = string
  default     = "apicurio/apicurio-registry:3.3.3"
}

variable "auth" {
  description = "How the apps check bearer tokens: the identity provider's issuer, the audience of careflow's tokens, and its JWKS URL (https)."
  type = object({
    issuer   = string
    audience = string
    jwks_url = string
  })
}

variable "apps" {
  description = "Size of each careflow app's instances and how many run (2 or more). Keys: ingest-api, streams-triage, streams-scheduling, streams-notifications, streams-masterdata, notifications-dispatcher. cpu and memory as Code Engine takes them (e.g. \"1\" and \"4G\")."
  type = map(object({
    cpu       = string
    memory    = string
    instances = number
  }))
  default = {
    "ingest-api"            = { cpu = "1", memory = "4G", instances = 2 }
    "streams-triage"        = { cpu = "1", memory = "4G", instances = 2 }
    "streams-scheduling"    = { cpu = "1", memory = "4G", instances = 2 }
    "streams-notifications" = { cpu = "1", memory = "4G", instances = 2 }
    "streams-masterdata"    = { cpu = "0.5", memory = "2G", instances = 2 }
    # No stores: a small instance sends and waits on the Cloud API (private: no public domain mapping).
    "notifications-dispatcher" = { cpu = "0.5", memory = "1G", instances = 2 }
  }

  validation {
    condition     = alltrue([for a in values(var.apps) : a.instances >= 2])
    error_message = "Run at least 2 instances of every app, so that one can be lost."
  }
}

variable "app_environment" {
  description = "Extra CAREFLOW_* settings (not secrets) per app, e.g. { \"notifications-dispatcher\" = { CAREFLOW_SMTP_HOST = \"smtp.hospital.example\" } }. See docs/configuration.md."
  type        = map(map(string))
  default     = {}
}

variable "secrets" {
  description = <<-EOT
    Secret values Terraform stores in Code Engine secrets (so they are in the state: keep it in an encrypted,
    access-controlled backend; no output carries them). Pass them as TF_VAR_secrets from your secret store (for example
    IBM Cloud Secrets Manager in the pipeline), never in a tfvars file.
      postgres_admin_password: admin password of Databases for PostgreSQL
      mongodb_admin_password : admin password of Databases for MongoDB
      registry_db_password   : password of the registry's PostgreSQL user
      whatsapp_app_secret, whatsapp_verify_token, whatsapp_access_token, smtp_password: see docs/configuration.md
      query_forward_secret   : the cluster secret (32+ random characters) instances sign forwarded queries with
      connect_rest_password  : password of the Connect REST API's user careflow-connect-admin
      sink_db_password, debezium_db_password: passwords of the sink's (careflow) and the CDC source's (debezium) roles
      mongo_uri              : the MongoDB sink's connection string, with its user and password
      registry_client_secret : secret of the identity provider client careflow-connect (role sr-developer) the CDC source registers schemas as
      apps_registry_client_secret : secret of the identity provider client careflow-apps (role sr-developer) the apps read schemas and the streams apps register their stores' as
  EOT
  type = object({
    postgres_admin_password     = string
    mongodb_admin_password      = string
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
  sensitive = true
}
