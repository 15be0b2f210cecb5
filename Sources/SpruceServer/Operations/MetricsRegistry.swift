import Metrics
import Prometheus

/// The Prometheus registry behind swift-metrics. swift-metrics allows one bootstrap per process, so every
/// application in the process (tests start several) shares it.
enum MetricsRegistry {
    static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
