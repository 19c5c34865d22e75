//! Webhooks: their payloads and replies become models; they are not operations.

use super::operations::builder_scope;
use super::Lowerer;
use crate::load::Place;
use crate::names;
use serde_json::Value;

impl Lowerer<'_> {
    /// Webhooks (`webhooks` at the root) are requests the API sends, not operations a client
    /// calls; their payload schemas still become models, so a receiver can decode them.
    pub(crate) fn webhook_models(&mut self) {
        // `webhooks` is OpenAPI 3.1's; `x-webhooks` is the extension 3.0 descriptions use.
        for key in ["webhooks", "x-webhooks"] {
            let root = Place::new(self.sources.root.clone(), format!("/{key}"));
            for view in self.path_item_operations(&root) {
                let (op, place) = (view.op, &view.place);
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(view.key);
                let hint = names::pascal(id);
                // Only the models count here; a form payload needs no type name of its own.
                let form_type = Some(format!("{hint}Form"));
                self.request_body(op, place, &hint, form_type, &mut builder_scope());
                let responses = op.get("responses").and_then(Value::as_object);
                if responses.is_some_and(|r| r.contains_key("content")) {
                    // Some descriptions write the webhook's expected reply as a body.
                    self.diags.warn(
                        place.join("responses").location(),
                        "the webhook's `responses` is a body, not a map of statuses",
                        "its schema becomes a model of the reply",
                    );
                    self.body_models(&place.join("responses"), &format!("{hint}Reply"));
                } else if responses.is_some() {
                    self.responses(op, place, &hint);
                }
            }
        }
    }
}
