terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Keep the state in an encrypted, access-controlled backend: it holds the DocumentDB master password. Configure it
  # with `terraform init -backend-config=backend.hcl` (bucket, key, region, dynamodb_table or use_lockfile).
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { environment = var.environment }
  }
}
