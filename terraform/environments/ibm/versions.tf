terraform {
  required_version = ">= 1.6.0"

  required_providers {
    ibm = {
      source  = "IBM-Cloud/ibm"
      version = "~> 1.80"
    }
  }

  # Keep the state in an encrypted, access-controlled backend (e.g. IBM Cloud Object Storage through the s3 backend):
  # it holds the database passwords and the Code Engine secret. Configure with `terraform init -backend-config=backend.hcl`.
  backend "s3" {}
}

# The API key comes from the IC_API_KEY environment variable, never from a file in the repository.
provider "ibm" {
  region = var.region
}
