variable "region" {
  description = "AWS region, e.g. eu-west-2."
  type        = string
}

variable "environment" {
  description = "Name of this environment (prod, staging, ...): part of every resource name."
  type        = string
}

variable "vpc_id" {
  description = "VPC careflow runs in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets in 3 availability zones (MSK brokers, databases, ECS tasks)."
  type        = list(string)
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer."
  type        = list(string)
}

variable "allowed_ingress_cidrs" {
  description = "CIDR blocks that may reach the load balancer over HTTPS."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "ACM certificate for <app>.<domain_name>."
  type        = string
}

variable "domain_name" {
  description = "Domain the apps answer under (ingest.<domain>, triage.<domain>, ...)."
  type        = string
}

variable "image_repository" {
  description = "Where careflow's images are, e.g. ghcr.io/hospital/careflow."
  type        = string
}

variable "image_tag" {
  description = "Tag of careflow's images to run."
  type        = string
}

variable "auth" {
  description = "Identity provider: issuer, audience and JWKS URL (https) of careflow's tokens."
  type = object({
    issuer   = string
    audience = string
    jwks_url = string
  })
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the services read (see terraform/README.md and the module's variable)."
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

variable "app_environment" {
  description = "Extra CAREFLOW_* settings (not secrets) per app; see docs/configuration.md."
  type        = map(map(string))
  default     = {}
}
