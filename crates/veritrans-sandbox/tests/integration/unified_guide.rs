//! The Unified API sandbox against the 1.1.3 guide's own words
//! (`unified-api-1.1.3.en.txt`; the Japanese 1.1.1 RC text for table headers the English
//! text lost). Each test quotes the sentence it checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::unified::{cancel, capture};
use common::{Merchant, client as http};
use serde_json::Value;
use unified_proto::client::{Client, Environment, ResendPolicy};
use unified_proto::validate::Mode;
use unified_proto::*;
use veritrans_sandbox::{Credentials, RunningSandbox};

fn merchant_client(sb: &RunningSandbox) -> Client {
    Client::builder(
        Environment::Custom {
            base_url: sb.base_url().to_string(),
            mode: Mode::Test,
        },
        UnifiedToken::new(Credentials::DEFAULT_UNIFIED_TOKEN),
    )
    .retry(ResendPolicy::none())
    .allow_local_push_url()
    .build()
    .unwrap()
}

fn keys(sb: &RunningSandbox) -> MerchantKeys {
    let c = sb.credentials();
    MerchantKeys::new(c.merchant_ccid.clone(), c.merchant_auth_key.clone())
}

const SUCCESS_URL: &str = "http://127.0.0.1:9/done";
const CANCEL_URL: &str = "http://127.0.0.1:9/cancel";
const ERROR_URL: &str = "http://127.0.0.1:9/error";

fn pay(pay_type: PayType, payment_id: &str, amount: u64, push_url: Option<String>) -> PayRequest {
    let order =
        PayOrder::new(pay_type, payment_id, amount).with_auth_capture(AuthCaptureType::Auth);
    PayRequest::new(
        order,
        PayControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: SUCCESS_URL.into(),
            cancel_url: CANCEL_URL.into(),
            error_url: ERROR_URL.into(),
            push_url,
        },
    )
}

fn subscribe(pay_type: PayType, payment_id: &str, push_url: Option<String>) -> SubscribeRequest {
    // Merpay requires a description and item categories.
    let merpay = pay_type == PayType::Merpay;
    SubscribeRequest {
        order: SubscribeOrder {
            pay_type,
            payment_id: payment_id.into(),
            commodity_type: None,
            description: merpay.then(|| "monthly plan".into()),
            order_name: Some("monthly".into()),
        },
        control: SubscribeControl {
            request_mode: Some(RequestMode::Sandbox),
            success_url: SUCCESS_URL.into(),
            cancel_url: CANCEL_URL.into(),
            error_url: ERROR_URL.into(),
            push_url,
            deregistration_push_url: None,
        },
        customer: None,
        item: vec![SubscribeItem {
            id: Some("item1".into()),
            name: Some("plan".into()),
            category_id: merpay.then(|| "1".into()),
        }],
        merchant: None,
        payment_instrument: None,
        transaction: None,
    }
}

/// An on-demand payment of `original`. For PayPay, `order.authCaptureType`: "only
/// auth_with_capture can be specified" (guide 1.1.3, On-Demand Payment).
fn charge(pay_type: PayType, original: &str, payment_id: &str, amount: u64) -> ChargeRequest {
    let paypay = pay_type == PayType::Paypay;
    ChargeRequest {
        order: ChargeOrder {
            amount: yen(amount),
            auth_capture_type: paypay.then_some(AuthCaptureType::AuthWithCapture),
            description: None,
            original_fep_order_id: None,
            original_payment_id: Some(original.into()),
            payment_id: payment_id.into(),
        },
        control: None,
        item: vec![],
        merchant: None,
        transaction: None,
    }
}

fn update(payment_id: &str, amount: Option<u64>, extend: bool) -> UpdateOrderRequest {
    UpdateOrderRequest {
        order: UpdateOrderOrder {
            payment_id: Some(payment_id.into()),
            amount: amount.map(yen),
            auth_extension_type: extend.then_some(AuthExtensionType::Extend),
            ..Default::default()
        },
        control: None,
        transaction: None,
    }
}

/// `"RESULTCODE VRESULTCODE"` of an answer or a refusal (`-` for no vResultCode).
async fn cell<C: Command>(client: &Client, request: &C) -> String {
    let body: Value = match client.send(request).await {
        Ok(answer) => answer.raw,
        Err(Error::GatewayRefused(r)) => r.body.clone().unwrap_or(Value::Null),
        Err(other) => panic!("{other:?}"),
    };
    format!(
        "{} {}",
        body["result"]["resultCode"].as_str().unwrap_or("?"),
        body["result"]["vResultCode"].as_str().unwrap_or("-")
    )
}

/// The consumer picks `outcome` on the dummy page; answers the status and `Location`.
async fn choose(redirect_url: &str, outcome: &str) -> (u16, Option<String>, String) {
    let page = http().get(redirect_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("data-outcome=\"{outcome}\"")),
        "{html}"
    );
    let no_redirects = common::raw_http::client_without_redirects();
    let chosen = no_redirects
        .get(format!("{redirect_url}/{outcome}"))
        .send()
        .await
        .unwrap();
    let status = chosen.status().as_u16();
    let location = chosen
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, chosen.text().await.unwrap())
}

/// The outcomes the dummy page offers (`data-outcome` values).
async fn offered(redirect_url: &str) -> Vec<String> {
    let html = http()
        .get(redirect_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    html.split("data-outcome=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

fn pay_type(name: &str) -> PayType {
    match name {
        "paypay" => PayType::Paypay,
        "rakuten" => PayType::Rakuten,
        "docomo" => PayType::Docomo,
        "au" => PayType::Au,
        "merpay" => PayType::Merpay,
        other => panic!("{other}"),
    }
}

/// The dummy page's plain success choice of a payment type.
fn agree(name: &str) -> &'static str {
    match name {
        "rakuten" => "success",
        "docomo" => "purchase",
        _ => "pay",
    }
}

/// A paid (authorised) single payment of `amount`; `None` when the payment request of
/// that amount fails by the guide's own table.
async fn authorised(client: &Client, name: &str, id: &str, amount: u64) -> Option<()> {
    let answer = client
        .send(&pay(pay_type(name), id, amount, None))
        .await
        .ok()?;
    let url = answer.body.control.unwrap().redirect_url.unwrap();
    let (status, _, _) = choose(&url, agree(name)).await;
    assert_eq!(status, 303);
    Some(())
}

async fn wait_deliveries(sb: &RunningSandbox, n: usize) -> Vec<veritrans_sandbox::DeliveryRecord> {
    for _ in 0..200 {
        let all = sb.inspect().deliveries();
        if all.len() >= n
            && all
                .iter()
                .all(|d| d.status != veritrans_sandbox::DeliveryStatus::Pending)
        {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sb.inspect().deliveries()
}
/// Every cell of the Testing tables as the sandbox reads them: (payType, column,
/// last digit 0..=9). `RECOVERY` is the by-recoveryType cell.
const GRID: &[(&str, &str, [&str; 10])] = &[
    (
        "paypay",
        "pay",
        [
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-PRV-001 1GD1",
            "UA-000-001 1001",
        ],
    ),
    (
        "rakuten",
        "pay",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-PRV-001 FG24",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
        ],
    ),
    (
        "au",
        "pay",
        [
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "merpay",
        "pay",
        [
            "UA-000-001 K001",
            "UA-PRV-001 KG10",
            "UA-000-001 K001",
            "UA-000-001 K001",
            "UA-000-001 K001",
            "UA-000-001 K001",
            "UA-000-001 K001",
            "UA-PRV-999 KG11",
            "UA-000-001 K001",
            "UA-000-001 K001",
        ],
    ),
    (
        "paypay",
        "capture",
        [
            "UA-000-001 1001",
            "UA-PRV-001 1GD2",
            "UA-PND-002 1E50",
            "UA-PRV-001 1GD5",
            "UA-PND-002 1E50",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
        ],
    ),
    (
        "paypay",
        "cancel",
        [
            "UA-000-001 1001",
            "UA-PRV-001 1GD2",
            "UA-PND-002 1E50",
            "UA-000-001 1001",
            "UA-PND-002 1E50",
            "UA-PND-002 1E50",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
        ],
    ),
    (
        "paypay",
        "charge",
        [
            "UA-000-001 1001",
            "UA-PRV-001 1GD2",
            "UA-PND-002 1E50",
            "UA-PRV-001 1GD6",
            "UA-PND-002 1E50",
            "RECOVERY",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
            "UA-000-001 1001",
        ],
    ),
    (
        "rakuten",
        "captureFull",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-PND-002 FED1",
            "UA-PRV-001 FG30",
            "UA-000-001 F001",
            "UA-PND-002 FED1",
            "UA-PRV-001 FG30",
            "UA-000-001 F001",
            "UA-REQ-006 FG26",
            "UA-PRV-001 FG30",
        ],
    ),
    (
        "rakuten",
        "capturePartial",
        [
            "UA-000-001 F001",
            "UA-PND-002 FED1",
            "UA-PND-002 FED1",
            "UA-SYS-004 FED2",
            "UA-000-001 F001",
            "UA-SYS-004 FED2",
            "UA-PRV-001 FG30",
            "UA-REQ-006 FG26",
            "UA-PRV-001 FG29",
            "UA-000-001 F001",
        ],
    ),
    (
        "rakuten",
        "cancel",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-PRV-999 FG90",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-SYS-004 FED2",
            "UA-PRV-001 FG30",
            "UA-000-001 F001",
            "UA-PND-002 FED1",
            "UA-PRV-001 FG30",
        ],
    ),
    (
        "rakuten",
        "updateExtend",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-PRV-001 FG30",
            "UA-PRV-999 FG90",
            "UA-SYS-004 FED2",
            "UA-REQ-006 FG26",
            "UA-PND-002 FED1",
        ],
    ),
    (
        "rakuten",
        "updateAmount",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-SYS-004 FED2",
            "UA-000-001 F001",
            "UA-000-001 F001",
            "UA-PRV-001 FG30",
            "UA-PRV-999 FG90",
            "UA-SYS-004 FED2",
            "UA-PRV-001 FG29",
            "UA-PND-002 FED1",
        ],
    ),
    (
        "rakuten",
        "updateBoth",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-SYS-004 FED2",
            "UA-000-001 F001",
            "UA-PND-002 FED1",
            "UA-PRV-001 FG30",
            "UA-PRV-999 FG90",
            "UA-PRV-001 FG24",
            "UA-PRV-001 FG29",
            "UA-PND-002 FED1",
        ],
    ),
    (
        "rakuten",
        "charge",
        [
            "UA-000-001 F001",
            "UA-PRV-999 FG90",
            "UA-SYS-004 FED2",
            "UA-000-001 F001",
            "UA-PND-002 FED1",
            "UA-PRV-001 FG30",
            "UA-PRV-999 FG90",
            "UA-PRV-001 FG24",
            "UA-PRV-001 FG29",
            "UA-PND-002 FED1",
        ],
    ),
    (
        "docomo",
        "capture",
        [
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-PRV-001 WG02",
            "UA-000-001 W001",
            "UA-CST-001 WG12",
            "UA-SYS-002 WG05",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "docomo",
        "cancel",
        [
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-000-001 W001",
            "UA-PRV-001 WA02",
            "UA-CST-001 WG12",
            "UA-SYS-002 WG05",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "docomo",
        "charge",
        [
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-000-001 W001",
            "UA-PRV-001 WA02",
            "UA-CST-001 WG12",
            "UA-SYS-002 WG05",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "au",
        "capture",
        [
            "UA-000-001 W001",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "- -",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "au",
        "cancel",
        [
            "UA-000-001 W001",
            "UA-CST-001 WG04",
            "UA-CST-001 WG35",
            "UA-PRV-001 WG02",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "au",
        "updateOrder",
        [
            "UA-000-001 W001",
            "UA-CST-001 WG04",
            "UA-CST-001 WG35",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "au",
        "charge",
        [
            "UA-000-001 W001",
            "UA-CST-001 WG04",
            "UA-CST-001 WG35",
            "UA-000-001 W001",
            "UA-000-001 W001",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-PRV-001 WG02",
            "UA-CST-001 WG04",
            "UA-000-001 W001",
        ],
    ),
    (
        "merpay",
        "capture",
        [
            "UA-000-001 K001",
            "- -",
            "UA-000-001 K001",
            "UA-000-001 K001",
            "UA-CST-001 KG15",
            "UA-PRV-001 KG10",
            "UA-PND-003 KED1",
            "UA-000-001 K001",
            "UA-PRV-999 KG11",
            "UA-000-001 K001",
        ],
    ),
    (
        "merpay",
        "cancelBeforeCapture",
        [
            "UA-000-001 K001",
            "UA-PRV-001 KG10",
            "UA-PND-003 KED1",
            "UA-PRV-002 KG19",
            "UA-CST-001 KG15",
            "UA-PRV-001 KG10",
            "UA-PND-003 KED1",
            "- -",
            "UA-PRV-999 KG11",
            "UA-000-001 K001",
        ],
    ),
    (
        "merpay",
        "cancelAfterCapture",
        [
            "UA-000-001 K001",
            "UA-PRV-001 KG10",
            "UA-000-001 K001",
            "UA-PRV-002 KG19",
            "UA-CST-001 KG15",
            "UA-000-001 K001",
            "UA-PND-003 KED1",
            "UA-PRV-999 KG11",
            "UA-000-001 K001",
            "UA-000-001 K001",
        ],
    ),
    (
        "merpay",
        "charge",
        [
            "UA-000-001 K001",
            "UA-PRV-001 KG10",
            "UA-000-001 K001",
            "UA-PRV-002 KG19",
            "UA-CST-001 KG15",
            "UA-000-001 K001",
            "UA-PND-003 KED1",
            "UA-PRV-999 KG11",
            "UA-000-001 K001",
            "UA-000-001 K001",
        ],
    ),
];

/// Drives one cell of the Testing tables; `None` when no order can reach it (the payment
/// request of that amount fails by the guide's own payment-request table).
async fn drive(
    client: &Client,
    originals: &mut Vec<(String, String)>,
    pt: &str,
    column: &str,
    digit: u64,
) -> Option<String> {
    let amount = 1000 + digit;
    let id = format!("{pt}-{column}-{digit}");
    Some(match column {
        "pay" => cell(client, &pay(pay_type(pt), &id, amount, None)).await,
        "charge" => {
            let original = match originals.iter().find(|(p, _)| p == pt) {
                Some((_, o)) => o.clone(),
                None => {
                    let o = format!("{pt}-original");
                    let answer = client
                        .send(&subscribe(pay_type(pt), &o, None))
                        .await
                        .unwrap();
                    let url = answer.body.control.unwrap().redirect_url.unwrap();
                    assert_eq!(choose(&url, agree(pt)).await.0, 303);
                    originals.push((pt.to_string(), o.clone()));
                    o
                }
            };
            cell(client, &charge(pay_type(pt), &original, &id, amount)).await
        }
        // PayPay and Merpay take a capture amount: a partial capture of a 2000 yen order.
        "capture" if pt == "paypay" || pt == "merpay" => {
            authorised(client, pt, &id, 2000).await?;
            cell(client, &capture(&id, Some(amount))).await
        }
        // d Payment and au take no capture amount: the full amount is the payment's.
        "capture" | "captureFull" => {
            authorised(client, pt, &id, amount).await?;
            cell(client, &capture(&id, None)).await
        }
        "capturePartial" => {
            authorised(client, pt, &id, 2000).await?;
            cell(client, &capture(&id, Some(amount))).await
        }
        "cancel" | "cancelAfterCapture" => {
            authorised(client, pt, &id, 2000).await?;
            assert!(client.send(&capture(&id, None)).await.unwrap().is_success());
            cell(client, &cancel(&id, Some(amount))).await
        }
        // "Only the full amount can be specified for orders where Capture has not yet
        // been made": the payment's amount decides.
        "cancelBeforeCapture" => {
            authorised(client, pt, &id, amount).await?;
            cell(client, &cancel(&id, None)).await
        }
        "updateOrder" | "updateAmount" => {
            authorised(client, pt, &id, 2000).await?;
            cell(client, &update(&id, Some(amount), false)).await
        }
        "updateExtend" => {
            authorised(client, pt, &id, amount).await?;
            cell(client, &update(&id, None, true)).await
        }
        "updateBoth" => {
            authorised(client, pt, &id, 2000).await?;
            cell(client, &update(&id, Some(amount), true)).await
        }
        other => panic!("no driver for column {other}"),
    })
}

/// unified-api-1.1.3.en.txt, "Testing": "Failed transactions can also be simulated by
/// setting specific values for the amount in each API." Every row and column of every
/// payment type's tables ("The last digit of the ... amount (amount) can be modified to
/// intentionally trigger an error"), including the columns the issue found unreachable:
/// d Payment's third column is the on-demand payment (the Japanese 1.1.1 RC header reads
/// 売上 キャンセル 随時支払, and the English sentence above it names "Capture, Cancel, or
/// On-Demand payment"), and Rakuten Pay: "By adjusting the last digit of the requested
/// amount for Capture, Cancel, Payment Request Change, and On-Demand payment, you can
/// intentionally trigger an error."
#[tokio::test]
async fn testing_tables_every_row_and_column() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let mut originals = Vec::new();
    let mut unreachable = Vec::new();
    for (pt, column, cells) in GRID {
        for (digit, expected) in cells.iter().enumerate() {
            let expected = match *expected {
                // Note *1: "If recoveryType=not_recovery" (the default).
                "RECOVERY" => "UA-CST-001 1G02".to_string(),
                // "-": nothing simulated, the command behaves normally.
                "- -" => GRID
                    .iter()
                    .find(|(p, c, _)| p == pt && *c == "charge")
                    .map(|(_, _, c)| c[0].to_string())
                    .unwrap(),
                other => other.to_string(),
            };
            match drive(&client, &mut originals, pt, column, digit as u64).await {
                Some(got) => assert_eq!(got, expected, "{pt} {column}, last digit {digit}"),
                None => unreachable.push(format!("{pt} {column} {digit}")),
            }
        }
    }
    // Only cells whose payment request fails by the guide's own table are unreachable.
    assert_eq!(
        unreachable,
        [
            "rakuten captureFull 1",
            "rakuten captureFull 2",
            "rakuten updateExtend 1",
            "rakuten updateExtend 2",
            "au capture 5",
            "au capture 6",
            "au capture 7",
            "au capture 8",
            "merpay cancelBeforeCapture 1",
            "merpay cancelBeforeCapture 7",
        ]
    );
    // Rakuten Pay and d Payment on-demand payments fail by the amount.
    assert_eq!(
        cell(
            &client,
            &charge(PayType::Rakuten, "rakuten-original", "rk-x", 1007)
        )
        .await,
        "UA-PRV-001 FG24"
    );
    assert_eq!(
        cell(
            &client,
            &charge(PayType::Docomo, "docomo-original", "dc-x", 1002)
        )
        .await,
        "UA-PRV-001 WG02"
    );
    sb.shutdown().await.unwrap();
}

/// unified-api-1.1.3.en.txt, "Webhook" → "Notification Conditions": "about notification
/// condition of payment request and on-demand payment request, due to reasons such as
/// consumer leaving in the middle of the process, the status can be determined only for
/// successful orders. Hence, the notification can be sent only in cases of successful
/// orders." (pay and subscribe: "Order Successful" for every payment type.)
#[tokio::test]
async fn pay_and_subscribe_webhooks_only_for_successful_orders() {
    let merchant = Merchant::start(&[]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let hook = Some(merchant.url("/hook"));
    let cases: [(&str, bool, &str); 6] = [
        ("paypay", false, "cancel"),
        ("paypay", false, "error"),
        ("docomo", false, "cancel-purchase"),
        ("rakuten", true, "interruption"),
        ("merpay", true, "cancel"),
        ("au", false, "app-failure"),
    ];
    for (i, (pt, sub, outcome)) in cases.iter().enumerate() {
        let id = format!("nohook-{i}");
        let url = if *sub {
            client
                .send(&subscribe(pay_type(pt), &id, hook.clone()))
                .await
                .unwrap()
                .body
                .control
                .unwrap()
                .redirect_url
                .unwrap()
        } else {
            client
                .send(&pay(pay_type(pt), &id, 1000, hook.clone()))
                .await
                .unwrap()
                .body
                .control
                .unwrap()
                .redirect_url
                .unwrap()
        };
        assert_eq!(choose(&url, outcome).await.0, 303, "{pt} {outcome}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        sb.inspect().deliveries().is_empty(),
        "{:?}",
        sb.inspect().deliveries()
    );
    // A successful order is notified, once per order.
    let url = client
        .send(&pay(PayType::Paypay, "hook-ok", 1000, hook.clone()))
        .await
        .unwrap()
        .body
        .control
        .unwrap()
        .redirect_url
        .unwrap();
    choose(&url, "pay").await;
    let url = client
        .send(&subscribe(PayType::Rakuten, "hook-sub", hook))
        .await
        .unwrap()
        .body
        .control
        .unwrap()
        .redirect_url
        .unwrap();
    choose(&url, "success").await;
    let delivered = wait_deliveries(&sb, 2).await;
    assert_eq!(delivered.len(), 2);
    for r in merchant.received() {
        let hook = Webhook::verify_and_parse(&r.headers, &r.body, &keys(&sb)).unwrap();
        assert!(hook.result_code.unwrap().is_success());
    }
    sb.shutdown().await.unwrap();
}

/// unified-api-1.1.3.en.txt, "Webhook", transaction.command: `Enum: "pay" "subscribe"
/// "update_order" "capture" "cancel" "charge" "terminate" "deregistration"` and
/// "Payment request change: update_order"; "Get Transaction Result": "The information
/// returned will be of same extent to that of a Webhook."
#[tokio::test]
async fn transaction_command_is_update_order_in_answers_webhooks_and_results() {
    let merchant = Merchant::start(&[]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    authorised(&client, "rakuten", "uo-1", 2000).await.unwrap();
    let mut request = update("uo-1", Some(1500), false);
    request.control = Some(PushControl {
        push_url: Some(merchant.url("/hook")),
    });
    let answer = client.send(&request).await.unwrap();
    let transaction = answer.body.transaction.unwrap();
    assert_eq!(transaction.command.as_deref(), Some("update_order"));
    wait_deliveries(&sb, 1).await;
    let received = merchant.received().pop().unwrap();
    let hook = Webhook::verify_and_parse(&received.headers, &received.body, &keys(&sb)).unwrap();
    assert_eq!(
        hook.payload.transaction.unwrap().command.as_deref(),
        Some("update_order")
    );
    let result = client
        .send(&GetTransactionResultRequest {
            transaction: TransactionResultQuery {
                fep_reference_id: transaction.fep_reference_id.unwrap(),
            },
        })
        .await
        .unwrap();
    let data = result.body.transaction_data.unwrap();
    assert_eq!(
        data.transaction.unwrap().command.as_deref(),
        Some("update_order")
    );
    // Every value written is one the guide lists.
    for record in sb.inspect().transactions() {
        if record.gateway == veritrans_sandbox::Gateway::Unified && record.kind != "provider" {
            assert!(
                TransactionCommand::from(record.kind.as_str()).is_known(),
                "{}",
                record.kind
            );
        }
    }
    sb.shutdown().await.unwrap();
}

/// A payment request (or on-demand payment request) waiting on the dummy page: its
/// fepReferenceId and redirectUrl.
async fn open(client: &Client, pt: &str, sub: bool, id: &str) -> (String, String) {
    let raw = if sub {
        client
            .send(&subscribe(pay_type(pt), id, None))
            .await
            .unwrap()
            .raw
    } else {
        client
            .send(&pay(pay_type(pt), id, 1000, None))
            .await
            .unwrap()
            .raw
    };
    (
        raw["transaction"]["fepReferenceId"]
            .as_str()
            .unwrap()
            .to_string(),
        raw["control"]["redirectUrl"].as_str().unwrap().to_string(),
    )
}

/// A dummy-page choice: its id, where the browser goes, getTransactionResult's cell.
type Choice = (&'static str, Goes, &'static str);

/// Where the browser goes after a choice on the dummy page.
#[derive(Debug, PartialEq)]
enum Goes {
    /// To this merchant URL, with this signed resultCode.
    Merchant(&'static str, &'static str),
    /// Nowhere: the redirect fails (the page says so).
    Stays,
    /// Back to the dummy page itself.
    BackToDummy,
}

/// unified-api-1.1.3.en.txt, "Testing": every choice each dummy page lists, with the
/// result and the browser's destination the guide gives, and nothing else — except the
/// PayPay payment page, where the guide lists no choice ("it will navigate to the
/// following dummy environment"), whose extra choices are labelled sandbox-only; and
/// PayPay's on-demand payment request: "All test requests for On-Demand payment will be
/// processed successfully." Destinations: successUrl "after completing the payment",
/// cancelUrl "when payment is cancelled" (PayPay, Docomo, au, Merpay), errorUrl "when an
/// error occurs during the payment" ("For Rakuten Pay, ... pending status (resultCode:
/// UA-PND-002)"); Rakuten "Failure(Point Fraud) - FG11※ *It will redirect to the
/// "Payment Details Confirmation" page of the dummy Rakuten Pay."; au "Redirect failure
/// from auPAY app※ ... ※Because Redirect fails, the value in the table is the response to
/// the Get transaction result process."; Merpay "Failure (Error in redirect * Result
/// notification is successful) K001".
#[tokio::test]
async fn every_dummy_page_outcome_the_guide_lists_is_reachable() {
    use Goes::*;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let (ok, cst1, cst2) = ("UA-000-001", "UA-CST-001", "UA-CST-002");
    let merpay: &[Choice] = &[
        ("pay", Merchant(SUCCESS_URL, ok), "UA-000-001 K001"),
        (
            "deemed-success",
            Merchant(SUCCESS_URL, ok),
            "UA-000-001 K003",
        ),
        (
            "deemed-success-confirmation-error",
            Merchant(SUCCESS_URL, ok),
            "UA-000-001 K003",
        ),
        ("pay-redirect-error", Stays, "UA-000-001 K001"),
        ("cancel", Merchant(CANCEL_URL, cst1), "UA-CST-001 KGU1"),
        ("cancel-redirect-error", Stays, "UA-000-001 K001"),
        ("deny", Merchant(CANCEL_URL, cst1), "UA-CST-001 KGU1"),
    ];
    let table: &[(&str, bool, &[Choice])] = &[
        (
            "paypay",
            false,
            &[
                ("pay", Merchant(SUCCESS_URL, ok), "UA-000-001 1001"),
                ("cancel", Merchant(CANCEL_URL, cst2), "UA-CST-002 -"),
                (
                    "error",
                    Merchant(ERROR_URL, "UA-PRV-001"),
                    "UA-PRV-001 1GD1",
                ),
            ],
        ),
        (
            "paypay",
            true,
            &[("pay", Merchant(SUCCESS_URL, ok), "UA-000-001 1001")],
        ),
        (
            "rakuten",
            false,
            &[
                ("success", Merchant(SUCCESS_URL, ok), "UA-000-001 F001"),
                (
                    "interruption",
                    Merchant(ERROR_URL, "UA-PND-002"),
                    "UA-PND-002 FED1",
                ),
                ("point-fraud", BackToDummy, "UA-U00-001 -"),
                (
                    "payment-failure",
                    Merchant(ERROR_URL, "UA-PRV-001"),
                    "UA-PRV-001 FG24",
                ),
                (
                    "maintenance",
                    Merchant(ERROR_URL, "UA-PRV-999"),
                    "UA-PRV-999 FG90",
                ),
            ],
        ),
        (
            "rakuten",
            true,
            &[
                ("success", Merchant(SUCCESS_URL, ok), "UA-000-001 F001"),
                (
                    "interruption",
                    Merchant(ERROR_URL, "UA-PND-002"),
                    "UA-PND-002 FED1",
                ),
                (
                    "consent-expired",
                    Merchant(ERROR_URL, "UA-REQ-006"),
                    "UA-REQ-006 FG26",
                ),
            ],
        ),
        (
            "docomo",
            false,
            &[
                ("purchase", Merchant(SUCCESS_URL, ok), "UA-000-001 W001"),
                (
                    "cancel-purchase",
                    Merchant(CANCEL_URL, cst2),
                    "UA-CST-002 WGU1",
                ),
            ],
        ),
        (
            "docomo",
            true,
            &[
                ("purchase", Merchant(SUCCESS_URL, ok), "UA-000-001 W001"),
                (
                    "cancel-purchase",
                    Merchant(CANCEL_URL, cst2),
                    "UA-CST-002 WGU1",
                ),
            ],
        ),
        (
            "au",
            false,
            &[
                ("pay", Merchant(SUCCESS_URL, ok), "UA-000-001 W001"),
                ("cancel", Merchant(CANCEL_URL, cst2), "UA-CST-002 WGU1"),
                ("app-success", Merchant(SUCCESS_URL, ok), "UA-000-001 W001"),
                (
                    "app-failure",
                    Merchant(ERROR_URL, "UA-PRV-001"),
                    "UA-PRV-001 -",
                ),
                ("app-cancel", Merchant(CANCEL_URL, cst2), "UA-CST-002 -"),
                ("app-redirect-failure-success", Stays, "UA-000-001 W001"),
                ("app-redirect-failure-pending", Stays, "UA-U00-001 -"),
                ("app-redirect-failure-cancel", Stays, "UA-U00-001 -"),
            ],
        ),
        (
            "au",
            true,
            &[
                ("pay", Merchant(SUCCESS_URL, ok), "UA-000-001 W001"),
                ("cancel", Merchant(CANCEL_URL, cst2), "UA-CST-002 WGU1"),
            ],
        ),
        ("merpay", false, merpay),
        ("merpay", true, merpay),
    ];
    let mut n = 0;
    for (pt, sub, outcomes) in table {
        let fresh = |n: usize| format!("page-{n}");
        // The page offers exactly these choices.
        n += 1;
        let (_, probe) = open(&client, pt, *sub, &fresh(n)).await;
        let ids: Vec<&str> = outcomes.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(offered(&probe).await, ids, "{pt} subscribe={sub}");
        let html = http()
            .get(&probe)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let sandbox_only = html.matches("data-sandbox-only=\"true\"").count();
        assert_eq!(
            sandbox_only,
            if *pt == "paypay" && !sub { 2 } else { 0 },
            "{pt}"
        );
        for (outcome, goes, result) in outcomes.iter() {
            n += 1;
            let id = fresh(n);
            let (reference, url) = open(&client, pt, *sub, &id).await;
            let (status, location, text) = choose(&url, outcome).await;
            match goes {
                Merchant(to, code) => {
                    assert_eq!(status, 303, "{pt} {outcome}");
                    let location = location.unwrap();
                    assert!(
                        location.starts_with(&format!("{to}?")),
                        "{pt} {outcome}: {location}"
                    );
                    let redirect = Redirect::verify_and_parse(&location, &keys(&sb), &id).unwrap();
                    assert_eq!(
                        redirect.result_code.unwrap().as_str(),
                        *code,
                        "{pt} {outcome}"
                    );
                }
                Stays => {
                    assert_eq!(status, 200, "{pt} {outcome}");
                    assert!(text.contains("failed"), "{text}");
                }
                BackToDummy => {
                    assert_eq!(status, 303);
                    assert_eq!(
                        location.as_deref(),
                        Some(&url[url.find("/unified-sandbox").unwrap()..])
                    );
                    // The consumer is back on the same page, which still offers every choice.
                    assert_eq!(offered(&url).await, ids);
                }
            }
            // getTransactionResult tells the result the guide's table gives.
            let got = cell(
                &client,
                &GetTransactionResultRequest {
                    transaction: TransactionResultQuery {
                        fep_reference_id: reference,
                    },
                },
            )
            .await;
            assert_eq!(got, *result, "{pt} subscribe={sub} {outcome}");
        }
    }
    sb.shutdown().await.unwrap();
}

/// unified-api-1.1.3.en.txt, "Webhook", order.amount: "Amount to be processed (amount set
/// at the time of request, balance amount when not set) *If not set at the time of
/// cancellation request by forceMode=refund, the amount will not be returned." (and the
/// revision history of 1.0.0 RC: "Removed balance from the response items"). "Cancel":
/// "Partial refunds can be executed for orders after capture ... Only the full amount can
/// be specified for orders where Capture has not yet been made (Authorization only
/// status). ... *d Payment can be specified only for Single Payment." "Capture": "This can
/// only be done once and must be within the amount specified in the payment request.
/// ... *If not specified, the full amount is captured."
#[tokio::test]
async fn amounts_are_the_requested_amount_and_partial_operations_follow_the_guide() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let amount = |raw: &Value| raw["order"]["amount"].as_str().map(String::from);
    let refused = |e: Error| match e {
        Error::GatewayRefused(r) => r.result_code.unwrap().as_str().to_string(),
        other => panic!("{other:?}"),
    };

    // Before capture: only the full amount can be cancelled.
    authorised(&client, "paypay", "am-1", 1000).await.unwrap();
    let e = client.send(&cancel("am-1", Some(400))).await.unwrap_err();
    assert_eq!(refused(e), "UA-PRV-004");
    let full = client.send(&cancel("am-1", Some(1000))).await.unwrap();
    assert_eq!(amount(&full.raw).as_deref(), Some("1000"));

    // Capture without an amount: the full amount; then partial refunds answer the
    // requested amount, and a refund without one answers the balance it refunded.
    authorised(&client, "paypay", "am-2", 1000).await.unwrap();
    let captured = client.send(&capture("am-2", None)).await.unwrap();
    assert_eq!(amount(&captured.raw).as_deref(), Some("1000"));
    let part = client.send(&cancel("am-2", Some(300))).await.unwrap();
    assert_eq!(amount(&part.raw).as_deref(), Some("300"));
    let part = client.send(&cancel("am-2", Some(200))).await.unwrap();
    assert_eq!(amount(&part.raw).as_deref(), Some("200"));
    let rest = client.send(&cancel("am-2", None)).await.unwrap();
    assert_eq!(amount(&rest.raw).as_deref(), Some("500"));

    // A partial capture answers the captured amount; a second capture is refused.
    authorised(&client, "merpay", "am-3", 2000).await.unwrap();
    let captured = client.send(&capture("am-3", Some(1500))).await.unwrap();
    assert_eq!(amount(&captured.raw).as_deref(), Some("1500"));
    let e = client.send(&capture("am-3", Some(100))).await.unwrap_err();
    assert_eq!(refused(e), "UA-REQ-007");
    let rest = client.send(&cancel("am-3", None)).await.unwrap();
    assert_eq!(amount(&rest.raw).as_deref(), Some("1500"));

    // forceMode=refund without an amount: no amount in the answer.
    authorised(&client, "paypay", "am-4", 1000).await.unwrap();
    client.send(&capture("am-4", None)).await.unwrap();
    let mut forced = cancel("am-4", None);
    forced.control = Some(CancelControl {
        protocol: Some(CancelProtocol {
            force_mode: Some(ForceMode::Refund),
        }),
        push_url: None,
    });
    let answer = client.send(&forced).await.unwrap();
    assert_eq!(amount(&answer.raw), None);

    // d Payment: a cancel amount only for single payments.
    let sub = client
        .send(&subscribe(PayType::Docomo, "am-d", None))
        .await
        .unwrap();
    choose(&sub.body.control.unwrap().redirect_url.unwrap(), "purchase").await;
    let charged = client
        .send(&charge(PayType::Docomo, "am-d", "am-d-1", 1000))
        .await
        .unwrap();
    assert_eq!(amount(&charged.raw).as_deref(), Some("1000"));
    client.send(&capture("am-d-1", None)).await.unwrap();
    let e = client.send(&cancel("am-d-1", Some(400))).await.unwrap_err();
    assert_eq!(refused(e), "UA-REQ-001");
    client.send(&cancel("am-d-1", None)).await.unwrap();
    sb.shutdown().await.unwrap();
}

/// unified-api-1.1.3.en.txt, "Webhook" → "Notification Conditions" *3: "If a notification
/// is received with resultCode=UA-U00-001, and the order is subsequently finalized through
/// consumer action, an additional Webhook will be sent with resultCode=UA-000-001."; PayPay
/// table note ※2: "If recoveryType=recovery. It is then redirected to 1001 (Success)."
#[tokio::test]
async fn paypay_user_paying_charge_sends_the_pending_then_the_final_webhook() {
    let merchant = Merchant::start(&[]).await;
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let sub = client
        .send(&subscribe(PayType::Paypay, "up-1", None))
        .await
        .unwrap();
    choose(&sub.body.control.unwrap().redirect_url.unwrap(), "pay").await;
    let mut request = charge(PayType::Paypay, "up-1", "up-1-c", 1005);
    request.control = Some(ChargeControl {
        protocol: Some(ChargeProtocol {
            recovery_type: Some(RecoveryType::Recovery),
            recovery_expired_datetime: None,
        }),
        push_url: Some(merchant.url("/hook")),
    });
    let answer = client.send(&request).await.unwrap();
    assert_eq!(answer.result_code, Some(ResultCode::UaU00001));
    wait_deliveries(&sb, 2).await;
    let codes: Vec<String> = merchant
        .received()
        .iter()
        .map(|r| {
            let hook = Webhook::verify_and_parse(&r.headers, &r.body, &keys(&sb)).unwrap();
            hook.result_code.unwrap().as_str().to_string()
        })
        .collect();
    assert_eq!(codes, ["UA-U00-001", "UA-000-001"]);
    sb.shutdown().await.unwrap();
}

/// unified-api-1.1.3.en.txt, "Webhook", transaction.merchantRequestKey1/2: "Contents set
/// at the time of request. *If not set at the time of request, it will not be returned."
/// (each command's own request: Capture, Cancel, ... each take their own keys).
#[tokio::test]
async fn merchant_request_keys_are_the_requests_own() {
    let sb = common::start().await;
    let client = merchant_client(&sb);
    let mut paid = pay(PayType::Paypay, "mk-1", 1000, None);
    paid.transaction = Some(RequestTransaction {
        merchant_request_key1: Some("pay-key".into()),
        ..Default::default()
    });
    let url = client
        .send(&paid)
        .await
        .unwrap()
        .body
        .control
        .unwrap()
        .redirect_url
        .unwrap();
    choose(&url, "pay").await;
    let mut captured = capture("mk-1", None);
    captured.transaction = Some(RequestTransaction {
        merchant_request_key1: Some("capture-key".into()),
        ..Default::default()
    });
    let answer = client.send(&captured).await.unwrap();
    assert_eq!(
        answer.raw["transaction"]["merchantRequestKey1"],
        "capture-key"
    );
    let answer = client.send(&cancel("mk-1", Some(100))).await.unwrap();
    assert!(
        answer.raw["transaction"]
            .get("merchantRequestKey1")
            .is_none(),
        "{}",
        answer.raw
    );
    sb.shutdown().await.unwrap();
}
