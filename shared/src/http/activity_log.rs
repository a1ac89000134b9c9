//! The activity log as a route layer: a table names the routes that are auth events, the
//! credential extractors note who acted, and the answer's status says how it went. Handlers
//! that know more (who was acted on) add it; none has to remember to write the record.

use super::client_ip::client_ip;
use crate::auth::activity::{Event, Kind, Origin, Surface, record};
use crate::model::User;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex, PoisonError};
use uuid::Uuid;

/// Where the request's actor and target are noted while it is handled.
#[derive(Clone, Default)]
pub struct ActivitySlot(Arc<Mutex<Noted>>);

#[derive(Default)]
struct Noted {
    actor: Option<User>,
    target: Option<(Uuid, String)>,
}

impl ActivitySlot {
    fn with<T>(&self, f: impl FnOnce(&mut Noted) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Notes the authenticated user on the request, if it is being logged.
    pub fn note_actor(parts: &Parts, user: &User) {
        if let Some(slot) = parts.extensions.get::<Self>() {
            slot.with(|n| n.actor = Some(user.clone()));
        }
    }

    /// Notes the user acted on.
    pub fn note_target(&self, id: Uuid, name: &str) {
        self.with(|n| n.target = Some((id, name.to_owned())));
    }
}

/// The routes of a group that are auth events: `(method, route, kind)`.
pub type EventRoutes = &'static [(&'static str, &'static str, Kind)];

/// What the layer needs.
#[derive(Clone)]
pub struct ActivityLog {
    pub state: AppState,
    pub surface: Surface,
    pub routes: EventRoutes,
}

/// `router` with its event `routes` recorded (a route layer: on the routes it already has).
pub fn with_activity_log<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    state: &AppState,
    surface: Surface,
    routes: EventRoutes,
) -> axum::Router<S> {
    router.route_layer(axum::middleware::from_fn_with_state(
        ActivityLog {
            state: state.clone(),
            surface,
            routes,
        },
        log_activity,
    ))
}

/// Records the request when its route is an event and someone authenticated.
pub async fn log_activity(
    State(log): State<ActivityLog>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let kind = matched.as_ref().and_then(|m| {
        log.routes
            .iter()
            // A suffix: mounted under another router (`gatehouse-local`), the matched path
            // is the outer route's followed by this one's.
            .find(|(verb, route, _)| *verb == method.as_str() && m.as_str().ends_with(route))
            .map(|(_, _, kind)| *kind)
    });
    let Some(kind) = kind else {
        return next.run(request).await;
    };
    let slot = ActivitySlot::default();
    request.extensions_mut().insert(slot.clone());
    let (parts, body) = request.into_parts();
    let origin = Origin {
        ip: client_ip(&parts),
        user_agent: parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    let (actor, target) = slot.with(|n| (n.actor.take(), n.target.take()));
    if let Some(actor) = actor {
        let mut event = Event::new(kind, log.surface, response.status().as_u16(), Some(&actor));
        if let Some((id, name)) = &target {
            event = event.target(*id, name);
        }
        record(&log.state, &origin, event).await;
    }
    response
}

/// A handler's handle on the activity record of its request (a no-op when the route is not
/// logged): it notes whom the request acted on.
pub struct ActivityNote(Option<ActivitySlot>);

impl ActivityNote {
    pub fn target(&self, user: &User) {
        if let Some(slot) = &self.0 {
            slot.note_target(user.id, &user.username);
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ActivityNote {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ActivitySlot>().cloned()))
    }
}
