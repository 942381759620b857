module "careflow" {
  source = "../../modules/ibm"

  name_prefix       = "careflow-${var.environment}"
  region            = var.region
  resource_group_id = var.resource_group_id
  topics_file       = "${path.root}/../../../docker/kafka/topics.txt"
  image_repository  = var.image_repository
  image_tag         = var.image_tag
  image_pull_secret = var.image_pull_secret
  auth              = var.auth
  secrets           = var.secrets
  app_environment   = var.app_environment
  tags              = ["careflow", var.environment]
}
