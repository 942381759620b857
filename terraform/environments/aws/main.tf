module "careflow" {
  source = "../../modules/aws"

  name_prefix           = "careflow-${var.environment}"
  vpc_id                = var.vpc_id
  private_subnet_ids    = var.private_subnet_ids
  public_subnet_ids     = var.public_subnet_ids
  allowed_ingress_cidrs = var.allowed_ingress_cidrs
  certificate_arn       = var.certificate_arn
  domain_name           = var.domain_name
  image_repository      = var.image_repository
  image_tag             = var.image_tag
  auth                  = var.auth
  secret_arns           = var.secret_arns
  app_environment       = var.app_environment
  tags                  = { environment = var.environment }
}
