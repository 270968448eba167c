//! One connection's hyper service: the router, plus what [`crate::head::HeadGuard`] needs to know
//! about the requests in flight (its idle clock starts when a response ends) and the refusals it
//! queued (answered here with the JSON envelope, never routed).

use crate::app::{fresh_request_id, REQUEST_ID};
use crate::errors::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response};
use axum::response::IntoResponse;
use axum::Router;
use bytes::Bytes;
use futures::future::BoxFuture;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::time::Instant;
use tower::ServiceExt;

/// State shared by a connection's guard and its service.
#[derive(Debug, Default)]
pub struct ConnShared(Mutex<Counters>);

#[derive(Debug, Default)]
struct Counters {
    /// Requests hyper handed to the service.
    calls: u64,
    /// Responses whose body hyper is done with, and when the last one was.
    done: u64,
    last_done: Option<Instant>,
    /// A refusal, and the number of the (stand-in) request it answers.
    refusal: Option<(u64, ApiError)>,
}

impl ConnShared {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues the answer to the `nth` request of the connection.
    pub fn refuse(&self, nth: u64, error: ApiError) {
        self.counters().refusal = Some((nth, error));
    }

    /// How many responses are done, and when the last one was.
    pub fn responses(&self) -> (u64, Option<Instant>) {
        let c = self.counters();
        (c.done, c.last_done)
    }

    /// Counts a request; its refusal if one is queued for it.
    fn begin(&self) -> Option<ApiError> {
        let mut c = self.counters();
        c.calls += 1;
        match c.refusal.take() {
            Some((nth, error)) if nth == c.calls => Some(error),
            other => {
                c.refusal = other;
                None
            }
        }
    }
}

/// Marks its response done when dropped: hyper drops a body once it has written it (or never
/// will, for HEAD or a broken connection).
#[derive(Debug)]
struct Done(Arc<ConnShared>);

impl Drop for Done {
    fn drop(&mut self) {
        let mut c = self.0.counters();
        c.done += 1;
        c.last_done = Some(Instant::now());
    }
}

/// A response body that reports its end to [`ConnShared`].
#[derive(Debug)]
pub struct TrackedBody {
    body: Body,
    _done: Done,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The hyper service of one connection.
#[derive(Debug, Clone)]
pub struct ConnService {
    router: Router,
    shared: Arc<ConnShared>,
}

impl ConnService {
    pub fn new(router: Router, shared: Arc<ConnShared>) -> Self {
        ConnService { router, shared }
    }
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response<TrackedBody>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let refusal = self.shared.begin();
        let done = Done(self.shared.clone());
        let track = move |body| TrackedBody { body, _done: done };
        match refusal {
            Some(error) => {
                let response = refusal_response(error).map(track);
                Box::pin(std::future::ready(Ok(response)))
            }
            None => {
                let router = self.router.clone();
                Box::pin(async move {
                    let response = match router.oneshot(request).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    Ok(response.map(track))
                })
            }
        }
    }
}

/// The envelope for a request refused before routing; the connection closes after it.
fn refusal_response(error: ApiError) -> Response<Body> {
    tracing::info!(status = error.status.as_u16(), "refused a request head");
    let mut response = error.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(REQUEST_ID, fresh_request_id());
    response
}
