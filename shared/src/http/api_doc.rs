//! Routes that document themselves: a group registers each route with its summary and success
//! status through [`Api`], which builds the axum router and the route list the OpenAPI
//! document (`crate::openapi`) is generated from, so no route can be served undocumented.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{
    MethodRouter, delete as axum_delete, get as axum_get, patch as axum_patch, post as axum_post,
    put as axum_put,
};

/// One operation of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Lower-case HTTP method.
    pub method: &'static str,
    pub summary: &'static str,
    /// The status a success answers.
    pub status: u16,
}

/// A documented path and its operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathItem {
    /// axum's form: `/api/v2/users/{user}`.
    pub path: String,
    pub operations: Vec<Operation>,
}

/// The handlers of one path with their documentation.
pub struct Endpoint<S> {
    router: MethodRouter<S>,
    operations: Vec<Operation>,
}

macro_rules! verbs {
    ($($verb:ident => $axum:ident),* $(,)?) => {
        $(
            /// A path answering this method with `handler`.
            pub fn $verb<H, T, S>(handler: H, summary: &'static str, status: u16) -> Endpoint<S>
            where
                H: Handler<T, S>,
                T: 'static,
                S: Clone + Send + Sync + 'static,
            {
                Endpoint {
                    router: $axum(handler),
                    operations: vec![Operation { method: stringify!($verb), summary, status }],
                }
            }
        )*

        impl<S: Clone + Send + Sync + 'static> Endpoint<S> {
            /// Changes the handlers without adding any (a layer on this path only).
            pub fn map(mut self, change: impl FnOnce(MethodRouter<S>) -> MethodRouter<S>) -> Self {
                self.router = change(self.router);
                self
            }

            $(
                /// This method too, with `handler`.
                pub fn $verb<H, T>(mut self, handler: H, summary: &'static str, status: u16) -> Self
                where
                    H: Handler<T, S>,
                    T: 'static,
                {
                    self.router = self.router.$verb(handler);
                    self.operations.push(Operation { method: stringify!($verb), summary, status });
                    self
                }
            )*
        }
    };
}

verbs!(get => axum_get, post => axum_post, put => axum_put, patch => axum_patch, delete => axum_delete);

/// A path answering every method with `handler` (documented as each of get, post, put, patch
/// and delete).
pub fn any<H, T, S>(handler: H, summary: &'static str, status: u16) -> Endpoint<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    Endpoint {
        router: axum::routing::any(handler),
        operations: ["get", "post", "put", "patch", "delete"]
            .into_iter()
            .map(|method| Operation {
                method,
                summary,
                status,
            })
            .collect(),
    }
}

/// A group's router under construction, with the documentation of every route in it.
pub struct Api<S> {
    router: Router<S>,
    paths: Vec<PathItem>,
}

impl<S: Clone + Send + Sync + 'static> Default for Api<S> {
    fn default() -> Self {
        Self {
            router: Router::new(),
            paths: Vec::new(),
        }
    }
}

impl<S: Clone + Send + Sync + 'static> Api<S> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &str, endpoint: Endpoint<S>) -> Self {
        self.router = self.router.route(path, endpoint.router);
        self.paths.push(PathItem {
            path: path.to_owned(),
            operations: endpoint.operations,
        });
        self
    }

    /// Changes the router without adding routes (layers, fallbacks).
    pub fn map(mut self, change: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = change(self.router);
        self
    }

    pub fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    pub fn paths(&self) -> &[PathItem] {
        &self.paths
    }

    pub fn into_parts(self) -> (Router<S>, Vec<PathItem>) {
        (self.router, self.paths)
    }
}
