variable "region" {
  description = "IBM Cloud region, e.g. eu-de."
  type        = string
}

variable "environment" {
  description = "Name of this environment (prod, staging, ...): part of every resource name."
  type        = string
}

variable "resource_group_id" {
  description = "Resource group of careflow's resources."
  type        = string
}

variable "image_repository" {
  description = "Where careflow's images are, e.g. icr.io/hospital/careflow."
  type        = string
}

variable "image_tag" {
  description = "Tag of careflow's images to run."
  type        = string
}

variable "image_pull_secret" {
  description = "Code Engine registry secret able to pull the images, or null for public images."
  type        = string
  default     = null
}

variable "auth" {
  description = "Identity provider: issuer, audience and JWKS URL (https) of careflow's tokens."
  type = object({
    issuer   = string
    audience = string
    jwks_url = string
  })
}

variable "secrets" {
  description = "Secret values (database admin passwords, registry database password, WhatsApp and SMTP secrets): pass as TF_VAR_secrets from your secret store, never in a tfvars file. See terraform/README.md."
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

variable "app_environment" {
  description = "Extra CAREFLOW_* settings (not secrets) per app; see docs/configuration.md."
  type        = map(map(string))
  default     = {}
}
