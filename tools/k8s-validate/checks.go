package main

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkObjects makes the checks a strict decoder cannot: required fields, names, selectors and
// references between the objects of one render.
func checkObjects(objects []*object) []string {
	var problems []string
	add := func(o *object, format string, args ...any) {
		problems = append(problems, o.where()+": "+fmt.Sprintf(format, args...))
	}
	names := map[string]bool{} // "Kind/name"
	var deployments []*appsv1.Deployment
	var services []*corev1.Service
	for _, o := range objects {
		key := o.kind + "/" + o.name
		if names[key] {
			add(o, "duplicate object")
		}
		names[key] = true
		if d, ok := o.typed.(*appsv1.Deployment); ok {
			deployments = append(deployments, d)
		}
		if s, ok := o.typed.(*corev1.Service); ok {
			services = append(services, s)
		}
	}
	selects := func(selector *metav1.LabelSelector) []*appsv1.Deployment {
		sel, err := metav1.LabelSelectorAsSelector(selector)
		if err != nil || sel.Empty() {
			return nil
		}
		var out []*appsv1.Deployment
		for _, d := range deployments {
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				out = append(out, d)
			}
		}
		return out
	}
	hasDeployment := func(name string) bool { return names["Deployment/"+name] }

	for _, o := range objects {
		if o.name == "" {
			add(o, "metadata.name is required")
		} else {
			nameErrs := validation.IsDNS1123Subdomain(o.name)
			if o.kind == "Service" {
				nameErrs = validation.IsDNS1035Label(o.name)
			}
			for _, e := range nameErrs {
				add(o, "metadata.name: %s", e)
			}
		}
		if metadata, ok := o.raw["metadata"].(map[string]any); ok {
			if l, ok := metadata["labels"].(map[string]any); ok {
				problems = append(problems, checkLabels(o, "metadata.labels", l)...)
			}
		}
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			problems = append(problems, checkDeployment(o, t, names)...)
		case *corev1.Service:
			if len(t.Spec.Ports) == 0 {
				add(o, "spec.ports: at least one port is required")
			}
			matched := selects(&metav1.LabelSelector{MatchLabels: t.Spec.Selector})
			if len(matched) == 0 {
				add(o, "spec.selector %v selects no Deployment's pods", t.Spec.Selector)
			}
			for _, port := range t.Spec.Ports {
				if port.TargetPort.Type == intstr.String {
					for _, d := range matched {
						if !hasContainerPort(d, port.TargetPort.StrVal) {
							add(o, "targetPort %q is not a container port of Deployment %s", port.TargetPort.StrVal, d.Name)
						}
					}
				}
			}
		case *policyv1.PodDisruptionBudget:
			if (t.Spec.MinAvailable == nil) == (t.Spec.MaxUnavailable == nil) {
				add(o, "exactly one of spec.minAvailable and spec.maxUnavailable is required")
			}
			if t.Spec.Selector == nil || len(selects(t.Spec.Selector)) == 0 {
				add(o, "spec.selector selects no Deployment's pods")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			ref := t.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || !hasDeployment(ref.Name) {
				add(o, "spec.scaleTargetRef %s/%s is not a Deployment of this render", ref.Kind, ref.Name)
			}
			if t.Spec.MinReplicas != nil && *t.Spec.MinReplicas > t.Spec.MaxReplicas {
				add(o, "spec.minReplicas > spec.maxReplicas")
			}
			if len(t.Spec.Metrics) == 0 {
				add(o, "spec.metrics: at least one metric is required")
			}
		}
		switch o.kind {
		case "ScaledObject":
			target, _ := nested(o.raw, "spec", "scaleTargetRef", "name").(string)
			if !hasDeployment(target) {
				add(o, "spec.scaleTargetRef.name %q is not a Deployment of this render", target)
			}
			triggers, _ := nested(o.raw, "spec", "triggers").([]any)
			for i, trigger := range triggers {
				m, _ := trigger.(map[string]any)
				if m["type"] == "nats-jetstream" {
					for _, key := range []string{"natsServerMonitoringEndpoint", "stream", "consumer", "lagThreshold"} {
						if v, _ := nested(m, "metadata", key).(string); v == "" {
							add(o, "spec.triggers[%d].metadata.%s is required by the nats-jetstream scaler", i, key)
						}
					}
				}
			}
		case "ServiceMonitor":
			selector := &metav1.LabelSelector{MatchLabels: map[string]string{}}
			if ml, ok := nested(o.raw, "spec", "selector", "matchLabels").(map[string]any); ok {
				for k, v := range ml {
					selector.MatchLabels[k], _ = v.(string)
				}
			}
			sel, _ := metav1.LabelSelectorAsSelector(selector)
			var matched []*corev1.Service
			for _, s := range services {
				if !sel.Empty() && sel.Matches(labels.Set(s.Labels)) {
					matched = append(matched, s)
				}
			}
			if len(matched) == 0 {
				add(o, "spec.selector selects no Service of this render")
			}
			endpoints, _ := nested(o.raw, "spec", "endpoints").([]any)
			for i, endpoint := range endpoints {
				port, _ := nested(endpoint, "port").(string)
				for _, s := range matched {
					found := false
					for _, p := range s.Spec.Ports {
						found = found || p.Name == port
					}
					if !found {
						add(o, "spec.endpoints[%d].port %q is not a port of Service %s", i, port, s.Name)
					}
				}
			}
		}
	}
	return problems
}

func checkDeployment(o *object, d *appsv1.Deployment, names map[string]bool) []string {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, o.where()+": "+fmt.Sprintf(format, args...))
	}
	if d.Spec.Selector == nil {
		add("spec.selector is required")
	} else if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err != nil {
		add("spec.selector: %v", err)
	} else if sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		add("spec.selector does not select spec.template.metadata.labels")
	}
	templateLabels := map[string]any{}
	for k, v := range d.Spec.Template.Labels {
		templateLabels[k] = v
	}
	problems = append(problems, checkLabels(o, "spec.template.metadata.labels", templateLabels)...)
	pod := d.Spec.Template.Spec
	if len(pod.Containers) == 0 {
		add("spec.template.spec.containers: at least one container is required")
	}
	if sa := pod.ServiceAccountName; sa != "" && sa != "default" && !names["ServiceAccount/"+sa] {
		add("serviceAccountName %q is not a ServiceAccount of this render", sa)
	}
	volumes := map[string]bool{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = true
		if v.ConfigMap != nil && !names["ConfigMap/"+v.ConfigMap.Name] {
			add("volume %s: ConfigMap %q is not in this render", v.Name, v.ConfigMap.Name)
		}
		if v.Secret != nil && !names["Secret/"+v.Secret.SecretName] {
			add("volume %s: Secret %q is not in this render", v.Name, v.Secret.SecretName)
		}
	}
	for _, c := range pod.Containers {
		where := "container " + c.Name
		for _, e := range validation.IsDNS1123Label(c.Name) {
			add("%s: name: %s", where, e)
		}
		if strings.TrimSpace(c.Image) == "" {
			add("%s: image is required", where)
		}
		ports := map[string]int32{}
		for _, p := range c.Ports {
			if p.Name != "" {
				for _, e := range validation.IsValidPortName(p.Name) {
					add("%s: port name %q: %s", where, p.Name, e)
				}
				ports[p.Name] = p.ContainerPort
			}
			for _, e := range validation.IsValidPortNum(int(p.ContainerPort)) {
				add("%s: containerPort: %s", where, e)
			}
		}
		for probeName, probe := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe, "startupProbe": c.StartupProbe} {
			if probe == nil {
				continue
			}
			if probe.HTTPGet == nil && probe.TCPSocket == nil && probe.Exec == nil && probe.GRPC == nil {
				add("%s: %s: a handler (httpGet, tcpSocket, exec or grpc) is required", where, probeName)
			}
			if h := probe.HTTPGet; h != nil {
				if !strings.HasPrefix(h.Path, "/") {
					add("%s: %s.httpGet.path %q must start with /", where, probeName, h.Path)
				}
				if h.Port.Type == intstr.String {
					if _, ok := ports[h.Port.StrVal]; !ok {
						add("%s: %s.httpGet.port %q is not a named port of the container", where, probeName, h.Port.StrVal)
					}
				} else {
					for _, e := range validation.IsValidPortNum(h.Port.IntValue()) {
						add("%s: %s.httpGet.port: %s", where, probeName, e)
					}
				}
			}
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				add("%s: volumeMount %q has no volume", where, m.Name)
			}
		}
		for _, from := range c.EnvFrom {
			// A Secret may be managed outside the chart (existingSecret); a ConfigMap may not.
			if from.ConfigMapRef != nil && !names["ConfigMap/"+from.ConfigMapRef.Name] {
				add("%s: envFrom ConfigMap %q is not in this render", where, from.ConfigMapRef.Name)
			}
		}
		for _, e := range c.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				add("%s: env %q: %s", where, e.Name, msg)
			}
		}
	}
	return problems
}

func checkLabels(o *object, where string, l map[string]any) []string {
	var problems []string
	for k, v := range l {
		for _, e := range validation.IsQualifiedName(k) {
			problems = append(problems, fmt.Sprintf("%s: %s: key %q: %s", o.where(), where, k, e))
		}
		s, ok := v.(string)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s: value of %q must be a string", o.where(), where, k))
			continue
		}
		for _, e := range validation.IsValidLabelValue(s) {
			problems = append(problems, fmt.Sprintf("%s: %s: value of %q: %s", o.where(), where, k, e))
		}
	}
	return problems
}

func hasContainerPort(d *appsv1.Deployment, name string) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func nested(v any, path ...string) any {
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}
