// Command helm-render renders a Helm chart directory the way `helm template`
// does, without Helm. It is a test oracle: wherever Helm has a quirk (float64
// numbers, "<no value>" stripping, kind-ordered output) this program copies
// the quirk on purpose, because matching Helm is its only job.
//
// Mirrors Helm v3 (pkg/engine, pkg/chartutil, pkg/releaseutil, cmd/helm/template.go).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver" // v3 API; GOPATH mode has no /v3 suffix for code outside GOPATH
	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// Metadata mirrors helm.sh/helm/v3/pkg/chart.Metadata. It must be a struct,
// not a map: `.Chart.Nope` is an execution error in Helm, not an empty string.
type Metadata struct {
	Name         string                   `json:"name,omitempty"`
	Home         string                   `json:"home,omitempty"`
	Sources      []string                 `json:"sources,omitempty"`
	Version      string                   `json:"version,omitempty"`
	Description  string                   `json:"description,omitempty"`
	Keywords     []string                 `json:"keywords,omitempty"`
	Maintainers  []*Maintainer            `json:"maintainers,omitempty"`
	Icon         string                   `json:"icon,omitempty"`
	APIVersion   string                   `json:"apiVersion,omitempty"`
	Condition    string                   `json:"condition,omitempty"`
	Tags         string                   `json:"tags,omitempty"`
	AppVersion   string                   `json:"appVersion,omitempty"`
	Deprecated   bool                     `json:"deprecated,omitempty"`
	Annotations  map[string]string        `json:"annotations,omitempty"`
	KubeVersion  string                   `json:"kubeVersion,omitempty"`
	Dependencies []map[string]interface{} `json:"dependencies,omitempty"`
	Type         string                   `json:"type,omitempty"`
}

type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// KubeVersion, VersionSet, BuildInfo and Capabilities mirror pkg/chartutil.
type KubeVersion struct{ Version, Major, Minor string }

func (kv *KubeVersion) String() string     { return kv.Version }
func (kv *KubeVersion) GitVersion() string { return kv.Version } // deprecated alias kept by Helm

type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type BuildInfo struct {
	Version      string `json:"version,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
	GitTreeState string `json:"git_tree_state,omitempty"`
	GoVersion    string `json:"go_version,omitempty"`
}

type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion BuildInfo
}

// defaultAPIVersions is what `helm template` (no cluster) reports: every
// group/version registered in client-go's scheme plus apiextensions. Only
// group/versions: "apps/v1/Deployment"-style entries exist only against a live
// cluster, so Has on them is false here, as in Helm. Deprecated versions are
// still present because client-go keeps their Go types.
var defaultAPIVersions = strings.Fields(`v1
admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1
apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1 internal.apiserver.k8s.io/v1alpha1
apps/v1 apps/v1beta1 apps/v1beta2 authentication.k8s.io/v1 authentication.k8s.io/v1alpha1
authentication.k8s.io/v1beta1 authorization.k8s.io/v1 authorization.k8s.io/v1beta1
autoscaling/v1 autoscaling/v2 autoscaling/v2beta1 autoscaling/v2beta2 batch/v1 batch/v1beta1
certificates.k8s.io/v1 certificates.k8s.io/v1alpha1 certificates.k8s.io/v1beta1
coordination.k8s.io/v1 coordination.k8s.io/v1alpha1 coordination.k8s.io/v1beta1
discovery.k8s.io/v1 discovery.k8s.io/v1beta1 events.k8s.io/v1 events.k8s.io/v1beta1 extensions/v1beta1
flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1beta2
flowcontrol.apiserver.k8s.io/v1beta3 networking.k8s.io/v1 networking.k8s.io/v1alpha1 networking.k8s.io/v1beta1
node.k8s.io/v1 node.k8s.io/v1alpha1 node.k8s.io/v1beta1 policy/v1 policy/v1beta1
rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1
resource.k8s.io/v1alpha3 scheduling.k8s.io/v1 scheduling.k8s.io/v1alpha1 scheduling.k8s.io/v1beta1
storage.k8s.io/v1 storage.k8s.io/v1alpha1 storage.k8s.io/v1beta1 storagemigration.k8s.io/v1alpha1`)

// Files mirrors Helm's .Files: every chart file except templates/, charts/ and
// the files Helm loads specially (Chart.yaml, values.yaml, ...).
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Lines(name string) []string {
	if f[name] == nil {
		return []string{}
	}
	return strings.Split(string(f[name]), "\n")
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var valueFiles, apiVersions multiFlag
	chartDir := flag.String("chart", "", "chart directory (required)")
	release := flag.String("release", "release-name", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "1.31.0", "Kubernetes version for .Capabilities")
	notes := flag.Bool("notes", false, "also print the rendered NOTES.txt")
	flag.Var(&valueFiles, "f", "values file layered over values.yaml (repeatable)")
	flag.Var(&valueFiles, "values", "same as -f")
	flag.Var(&apiVersions, "a", "extra API version for .Capabilities.APIVersions (repeatable)")
	flag.Var(&apiVersions, "api-versions", "same as -a")
	flag.Parse()
	if *chartDir == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	out, err := run(*chartDir, *release, *namespace, *kubeVersion, valueFiles, apiVersions, *notes)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

var releaseNameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func run(dir, release, namespace, kubeVersion string, valueFiles, apiVersions []string, withNotes bool) (string, error) {
	if len(release) > 53 || !releaseNameRe.MatchString(release) {
		return "", fmt.Errorf("release name %q: invalid release name, must match regex %s and the length must not be longer than 53", release, releaseNameRe)
	}
	meta, err := loadChartYAML(dir)
	if err != nil {
		return "", err
	}
	sv, err := semver.NewVersion(kubeVersion)
	if err != nil {
		return "", fmt.Errorf("invalid kube version %q: %w", kubeVersion, err)
	}
	caps := &Capabilities{
		KubeVersion: KubeVersion{Version: "v" + sv.String(), Major: fmt.Sprint(sv.Major()), Minor: fmt.Sprint(sv.Minor())},
		APIVersions: append(VersionSet(defaultAPIVersions), apiVersions...),
		HelmVersion: BuildInfo{Version: "v3.16.0", GoVersion: "go1.22"},
	}
	if meta.KubeVersion != "" {
		c, err := semver.NewConstraint(meta.KubeVersion)
		if err != nil || !c.Check(sv) {
			return "", fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", meta.KubeVersion, caps.KubeVersion.Version)
		}
	}

	// Helm merges the -f files among themselves first (plain recursive merge,
	// nulls kept), then coalesces the result over the chart's values.yaml.
	user := map[string]interface{}{}
	for _, f := range valueFiles {
		m, err := readValues(f)
		if err != nil {
			return "", err
		}
		user = mergeMaps(user, m)
	}
	defaults, err := readValues(filepath.Join(dir, "values.yaml"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	values := coalesceValues(user, defaults)

	tpls, files, err := loadChartFiles(dir, meta.Name)
	if err != nil {
		return "", err
	}
	top := map[string]interface{}{
		"Values":       values,
		"Chart":        meta,
		"Capabilities": caps,
		"Files":        files,
		"Subcharts":    map[string]interface{}{},
		"Release": map[string]interface{}{
			"Name": release, "Namespace": namespace, "IsUpgrade": false,
			"IsInstall": true, "Revision": 1, "Service": "Helm",
		},
	}
	rendered, err := render(tpls, top, path.Join(meta.Name, "templates"))
	if err != nil {
		return "", err
	}
	// Every *NOTES.txt is dropped from the manifests; only the chart's own is shown.
	notes := rendered[path.Join(meta.Name, "templates", "NOTES.txt")]
	for name := range rendered {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(rendered, name)
		}
	}
	out, err := sortAndPrint(rendered)
	if err != nil {
		return "", err
	}
	if withNotes && strings.TrimSpace(notes) != "" {
		out += "# NOTES:\n" + strings.TrimSpace(notes) + "\n"
	}
	return out, nil
}

func loadChartYAML(dir string) (*Metadata, error) {
	data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	meta := &Metadata{}
	if err := yaml.Unmarshal(data, meta); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	switch {
	case meta.APIVersion == "":
		return nil, errors.New("validation: chart.metadata.apiVersion is required")
	case meta.Name == "":
		return nil, errors.New("validation: chart.metadata.name is required")
	case meta.Version == "":
		return nil, errors.New("validation: chart.metadata.version is required")
	case len(meta.Dependencies) > 0:
		return nil, errors.New("chart has dependencies: subcharts are not supported by this oracle")
	}
	if _, err := semver.StrictNewVersion(meta.Version); err != nil {
		return nil, fmt.Errorf("validation: chart.metadata.version %q is invalid", meta.Version)
	}
	return meta, nil
}

// readValues parses YAML the way chartutil.ReadValues does: sigs.k8s.io/yaml
// converts YAML to JSON and json.Unmarshal turns every number into float64.
// That is why Helm prints a values integer 1000000 as "1e+06" in `{{ }}`
// while toYaml prints it as 1000000; we must keep the float64s to match.
func readValues(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	vals := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", file, err)
	}
	if vals == nil { // a file holding only "null" or comments
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// mergeMaps is cli/values.mergeMaps: b wins, maps merge recursively, nulls stay.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesceValues is chartutil.coalesceValues for a root chart: user values win,
// and a user null deletes the chart default. At the top level a null with no
// default survives (as nil); below it, coalesceTables removes it too.
func coalesceValues(user, defaults map[string]interface{}) map[string]interface{} {
	for key, val := range defaults {
		if uv, ok := user[key]; !ok {
			user[key] = val
		} else if uv == nil {
			delete(user, key)
		} else if dst, ok := uv.(map[string]interface{}); ok {
			if src, ok := val.(map[string]interface{}); ok {
				coalesceTables(dst, src)
			}
		}
	}
	return user
}

func coalesceTables(dst, src map[string]interface{}) {
	for key, val := range dst {
		if val == nil {
			src[key] = nil
		}
	}
	for key, val := range src {
		dv, ok := dst[key]
		switch {
		case ok && dv == nil:
			delete(dst, key)
		case !ok:
			dst[key] = val
		default:
			sm, sok := val.(map[string]interface{})
			dm, dok := dv.(map[string]interface{})
			if sok && dok {
				coalesceTables(dm, sm)
			}
		}
	}
}

// loadChartFiles splits the chart into templates (keyed by Helm's template
// name "<chart>/templates/<rel>") and .Files, like pkg/chart/loader does.
func loadChartFiles(dir, chartName string) (map[string]string, Files, error) {
	tpls, files := map[string]string{}, Files{}
	special := map[string]bool{"Chart.yaml": true, "Chart.lock": true, "values.yaml": true,
		"values.schema.json": true, "requirements.yaml": true, "requirements.lock": true}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "charts/"):
			return errors.New("chart has a charts/ directory: subcharts are not supported by this oracle")
		case strings.HasPrefix(rel, "templates/"):
			if !strings.HasPrefix(path.Base(rel), ".") { // Helm's default ignore rule "templates/.?*"
				tpls[path.Join(chartName, rel)] = string(data)
			}
		case !special[rel]:
			files[rel] = data
		}
		return nil
	})
	return tpls, files, err
}

// Helm wraps required/fail messages in these markers so that cleanupExecError
// can cut the user's message out of text/template's long error chain.
const warnStart, warnEnd = "HELM_ERR_START", "HELM_ERR_END"

var warnRegex = regexp.MustCompile(warnStart + `((?s).*)` + warnEnd)

func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env") // Helm removes these so rendering cannot depend on the environment
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml": func(v interface{}) string {
			data, err := yaml.Marshal(v)
			if err != nil {
				return "" // Helm swallows marshal errors inside templates
			}
			return strings.TrimSuffix(string(data), "\n")
		},
		"fromYaml": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			if err := yaml.Unmarshal([]byte(s), &m); err != nil {
				m["Error"] = err.Error()
			}
			return m
		},
		"fromYamlArray": func(s string) []interface{} {
			a := []interface{}{}
			if err := yaml.Unmarshal([]byte(s), &a); err != nil {
				a = []interface{}{err.Error()}
			}
			return a
		},
		"toJson": func(v interface{}) string {
			data, err := json.Marshal(v)
			if err != nil {
				return ""
			}
			return string(data)
		},
		"fromJson": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				m["Error"] = err.Error()
			}
			return m
		},
		"fromJsonArray": func(s string) []interface{} {
			a := []interface{}{}
			if err := json.Unmarshal([]byte(s), &a); err != nil {
				a = []interface{}{err.Error()}
			}
			return a
		},
		"required": func(msg string, val interface{}) (interface{}, error) {
			if s, isStr := val.(string); val == nil || (isStr && s == "") {
				return val, errors.New(warnStart + msg + warnEnd)
			}
			return val, nil
		},
		"fail": func(msg string) (string, error) { return "", errors.New(warnStart + msg + warnEnd) },
		// No cluster: Helm's client-only lookup returns an empty map.
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// includeFun and tplFun close over the template set, so they are bound per set.
func includeFun(t *template.Template, depth map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		if depth[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		depth[name]++
		defer func() { depth[name]-- }()
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
}

func tplFun(parent *template.Template, depth map[string]int) func(string, interface{}) (string, error) {
	return func(tpl string, vals interface{}) (string, error) {
		if !strings.Contains(tpl, "{{") && !strings.Contains(tpl, "}}") {
			return tpl, nil
		}
		// A clone lets `define`s inside tpl text be included without leaking
		// into the chart's template set; missingkey is not cloned (go#43022).
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(template.FuncMap{"include": includeFun(t, depth), "tpl": tplFun(t, depth)})
		if t, err = t.New(parent.Name()).Parse(tpl); err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", tpl, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", tpl, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

// render is engine.renderWithReferences for a single chart.
func render(tpls map[string]string, top map[string]interface{}, basePath string) (rendered map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering template failed: %v", r)
		}
	}()
	t := template.New("gotpl")
	// missingkey=zero still prints "<no value>" for interface{} map entries;
	// Helm strips that string from the output afterwards, and so do we.
	t.Option("missingkey=zero")
	depth := map[string]int{}
	fm := funcMap()
	fm["include"] = includeFun(t, depth)
	fm["tpl"] = tplFun(t, depth)
	t.Funcs(fm)

	// Parse order decides which duplicate `define` wins. Helm sorts deeper
	// paths first and, within a depth, reverse-lexicographically.
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := strings.Count(keys[i], "/"), strings.Count(keys[j], "/")
		if ci != cj {
			return ci > cj
		}
		return keys[i] > keys[j]
	})
	for _, name := range keys {
		if _, err := t.New(name).Parse(tpls[name]); err != nil {
			tok := strings.Split(err.Error(), ": ")
			if len(tok) == 1 {
				return nil, fmt.Errorf("parse error in (%s): %s", name, err)
			}
			return nil, fmt.Errorf("parse error at (%s): %s", tok[1], tok[len(tok)-1])
		}
	}

	rendered = map[string]string{}
	for _, name := range keys {
		if strings.HasPrefix(path.Base(name), "_") {
			continue // partials only provide defines
		}
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			return nil, cleanupExecError(name, err)
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

func cleanupExecError(name string, err error) error {
	if _, ok := err.(template.ExecError); !ok {
		return err
	}
	tok := strings.SplitN(err.Error(), ": ", 3)
	if len(tok) != 3 {
		return fmt.Errorf("execution error in (%s): %s", name, err)
	}
	if m := warnRegex.FindStringSubmatch(tok[2]); len(m) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tok[1], m[1])
	}
	return err
}

// installOrder is releaseutil.InstallOrder; unknown kinds go last, alphabetically.
var installOrder = strings.Fields(`PriorityClass Namespace NetworkPolicy ResourceQuota LimitRange
PodSecurityPolicy PodDisruptionBudget ServiceAccount Secret SecretList ConfigMap StorageClass
PersistentVolume PersistentVolumeClaim CustomResourceDefinition ClusterRole ClusterRoleList
ClusterRoleBinding ClusterRoleBindingList Role RoleList RoleBinding RoleBindingList Service
DaemonSet Pod ReplicationController ReplicaSet Deployment HorizontalPodAutoscaler StatefulSet
Job CronJob IngressClass Ingress APIService`)

var hookEvents = map[string]bool{"pre-install": true, "post-install": true, "pre-delete": true,
	"post-delete": true, "pre-upgrade": true, "post-upgrade": true, "pre-rollback": true,
	"post-rollback": true, "test": true, "test-success": true}

// SplitManifests' separator regex, verbatim from releaseutil.
var docSep = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

type manifest struct{ source, kind, content string }

// simpleHead is releaseutil.SimpleHead; its exact field types matter because a
// document that fails to decode into it (say a numeric annotation value) makes
// `helm template` fail with a YAML parse error.
type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// sortAndPrint is releaseutil.SortManifests plus the printing done by
// action.renderResources and cmd/helm/template.go: files in path order, split
// into documents, stably sorted by kind; hooks printed after everything else.
func sortAndPrint(rendered map[string]string) (string, error) {
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	var generic, hooks []manifest
	for _, name := range names {
		content := rendered[name]
		if strings.TrimSpace(content) == "" {
			continue
		}
		for _, doc := range docSep.Split(strings.TrimSpace(content), -1) {
			if doc == "" {
				continue
			}
			doc = strings.TrimSpace(doc)
			var head simpleHead
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return "", fmt.Errorf("YAML parse error on %s: %w", name, err)
			}
			m := manifest{source: name, kind: head.Kind, content: doc}
			hookSpec, isHook := "", false
			if head.Metadata != nil {
				hookSpec, isHook = head.Metadata.Annotations["helm.sh/hook"]
			}
			if !isHook {
				generic = append(generic, m)
				continue
			}
			known := true
			for _, ev := range strings.Split(hookSpec, ",") {
				known = known && hookEvents[strings.ToLower(strings.TrimSpace(ev))]
			}
			if known { // Helm silently drops documents with an unknown hook
				hooks = append(hooks, m)
			}
		}
	}
	rank := map[string]int{}
	for i, k := range installOrder {
		rank[k] = i
	}
	byKind := func(ms []manifest) {
		sort.SliceStable(ms, func(i, j int) bool {
			a, aok := rank[ms[i].kind]
			b, bok := rank[ms[j].kind]
			switch {
			case !aok && !bok:
				return ms[i].kind < ms[j].kind
			case !aok || !bok:
				return aok
			}
			return a < b
		})
	}
	byKind(generic)
	byKind(hooks)
	var b strings.Builder
	for _, m := range generic {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.source, m.content)
	}
	out := strings.TrimSpace(b.String()) + "\n"
	for _, m := range hooks {
		out += fmt.Sprintf("---\n# Source: %s\n%s\n", m.source, m.content)
	}
	return out, nil
}
