//! `moto_server` as the AWS side of the tests: DynamoDB tables built from `template.yaml`, SES
//! with a verified sender, sent mail read back from `/moto-api/data.json`.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use gatehouse::mail::Message;
use serde_yaml::Value;
use std::path::PathBuf;
use tokio::sync::OnceCell;

pub struct Moto {
    pub url: String,
}

static MOTO: OnceCell<Moto> = OnceCell::const_new();

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(url: &str) -> bool {
    for _ in 0..150 {
        if reqwest::get(format!("{url}/moto-api/data.json"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

impl Moto {
    /// The shared moto_server: `GATEHOUSE_TEST_MOTO_URL`, or one started from `.venv`/`PATH`.
    pub async fn get() -> &'static Moto {
        MOTO.get_or_init(|| async {
            let url = match std::env::var("GATEHOUSE_TEST_MOTO_URL") {
                Ok(url) if !url.is_empty() => url,
                _ => {
                    // scripts/moto-server: moto_server with DynamoDB's write atomicity.
                    let venv = repo_root().join(".venv/bin/python");
                    let bin = if venv.exists() { venv } else { PathBuf::from("python3") };
                    let launcher = repo_root().join("scripts/moto-server");
                    let port = free_port();
                    std::process::Command::new(&bin)
                        .arg(&launcher)
                        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .unwrap_or_else(|e| panic!("cannot start {} ({e}); run scripts/test or set GATEHOUSE_TEST_MOTO_URL", bin.display()));
                    format!("http://127.0.0.1:{port}")
                }
            };
            assert!(wait_ready(&url).await, "moto_server at {url} did not answer");
            Moto { url }
        })
        .await
    }

    fn credentials() -> Credentials {
        Credentials::new("testing", "testing", None, None, "gatehouse-tests")
    }

    /// A fresh client (clients are bound to the runtime that first uses them; each test has its own).
    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(self.dynamodb_config().build())
    }

    /// A fresh client whose every call `interceptor` sees.
    pub fn dynamodb_with(
        &self,
        interceptor: impl aws_sdk_dynamodb::config::Intercept + 'static,
    ) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(self.dynamodb_config().interceptor(interceptor).build())
    }

    /// A client whose endpoint refuses connections: DynamoDB unreachable.
    pub fn unreachable_dynamodb() -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(Self::dynamodb_config_at("http://127.0.0.1:9").build())
    }

    fn dynamodb_config(&self) -> aws_sdk_dynamodb::config::Builder {
        Self::dynamodb_config_at(&self.url)
    }

    fn dynamodb_config_at(url: &str) -> aws_sdk_dynamodb::config::Builder {
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(gatehouse::aws::http_client())
            .endpoint_url(url)
            .region(Region::new("us-east-1"))
            .credentials_provider(Self::credentials())
    }

    pub fn ses(&self) -> aws_sdk_ses::Client {
        let config = aws_sdk_ses::Config::builder()
            .behavior_version(aws_sdk_ses::config::BehaviorVersion::latest())
            .http_client(gatehouse::aws::http_client())
            .endpoint_url(&self.url)
            .region(aws_sdk_ses::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ses::config::Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "gatehouse-tests",
            ))
            .build();
        aws_sdk_ses::Client::from_conf(config)
    }

    /// Verifies the test sender (moto refuses mail from unverified senders).
    pub async fn verify_sender(&self) {
        self.ses()
            .verify_email_identity()
            .email_address(crate::SENDER)
            .send()
            .await
            .unwrap();
    }

    /// Creates a table named uniquely for this test, exactly as `template.yaml` defines it.
    pub async fn create_table_from_template(&self) -> String {
        self.verify_sender().await;
        let name = format!("gatehouse-{}", uuid::Uuid::new_v4().simple());
        let template: Value = serde_yaml::from_str(
            &std::fs::read_to_string(repo_root().join("template.yaml")).unwrap(),
        )
        .unwrap();
        let props = &template["Resources"]["Table"]["Properties"];
        let key_schema = |v: &Value| -> Vec<KeySchemaElement> {
            v.as_sequence()
                .unwrap()
                .iter()
                .map(|k| {
                    KeySchemaElement::builder()
                        .attribute_name(k["AttributeName"].as_str().unwrap())
                        .key_type(KeyType::from(k["KeyType"].as_str().unwrap()))
                        .build()
                        .unwrap()
                })
                .collect()
        };
        let mut create = self
            .dynamodb()
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::from(props["BillingMode"].as_str().unwrap()))
            .set_key_schema(Some(key_schema(&props["KeySchema"])));
        for a in props["AttributeDefinitions"].as_sequence().unwrap() {
            create = create.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(a["AttributeName"].as_str().unwrap())
                    .attribute_type(ScalarAttributeType::from(
                        a["AttributeType"].as_str().unwrap(),
                    ))
                    .build()
                    .unwrap(),
            );
        }
        for g in props["GlobalSecondaryIndexes"]
            .as_sequence()
            .into_iter()
            .flatten()
        {
            create = create.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(g["IndexName"].as_str().unwrap())
                    .set_key_schema(Some(key_schema(&g["KeySchema"])))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(
                                g["Projection"]["ProjectionType"].as_str().unwrap(),
                            ))
                            .build(),
                    )
                    .build()
                    .unwrap(),
            );
        }
        create.send().await.unwrap();
        let ttl = &props["TimeToLiveSpecification"];
        self.dynamodb()
            .update_time_to_live()
            .table_name(&name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl["AttributeName"].as_str().unwrap())
                    .enabled(ttl["Enabled"].as_bool().unwrap())
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        name
    }

    /// Mail SES accepted for `to`, in send order.
    pub async fn sent_to(&self, to: &str) -> Vec<Message> {
        let data: serde_json::Value = reqwest::get(format!("{}/moto-api/data.json", self.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        data["ses"]["Message"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| {
                m["destinations"]["ToAddresses"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t == to))
            })
            .map(|m| Message {
                to: vec![to.to_owned()],
                subject: m["subject"].as_str().unwrap_or("").to_owned(),
                text: m["body"].as_str().unwrap_or("").to_owned(),
                html: m["body"].as_str().unwrap_or("").to_owned(),
            })
            .collect()
    }
}
