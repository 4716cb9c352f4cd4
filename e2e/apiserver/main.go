// Command apiserver runs a real Kubernetes API server for the end-to-end tests (docs/real-parts.md): etcd embedded
// from go.etcd.io/etcd/server/v3 and kube-apiserver in-process from k8s.io/kubernetes/cmd/kube-apiserver/app, the
// way the Kubernetes integration tests start it (cmd/kube-apiserver/app/testing/testserver.go), with the RBAC
// authorizer and the default admission plugins.
//
// It prints one JSON line on stdout once /readyz answers ok: the URL, an admin bearer token (group system:masters)
// and the serving certificate to trust. SIGTERM or SIGINT, or the end of stdin with --exit-on-stdin-eof (so a test
// process that dies takes the server with it), stops both cleanly and removes the state directory.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

type ready struct {
	URL         string `json:"url"`
	Token       string `json:"token"`
	Certificate string `json:"certificate"`
	Directory   string `json:"directory"`
}

func main() {
	dir := flag.String("dir", "", "state directory (etcd data, certificates, keys); a new temporary one when empty, removed on exit")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "stop when stdin reaches end of file")
	verbosity := flag.String("v", "0", "kube-apiserver log verbosity (klog -v)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if *stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	if err := run(ctx, *dir, *verbosity); err != nil {
		fmt.Fprintln(os.Stderr, "apiserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, verbosity string) (err error) {
	if dir == "" {
		if dir, err = os.MkdirTemp("", "karpenter-infra-apiserver-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	token, err := randomHex(16)
	if err != nil {
		return err
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(token+",admin,admin-uid,system:masters\n"), 0o600); err != nil {
		return err
	}
	keyFile := filepath.Join(dir, "service-account.key")
	if err := writeRSAKey(keyFile); err != nil {
		return err
	}

	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer func() {
		etcd.Close()
		<-etcd.Server.StopNotify()
	}()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := listener.Addr().(*net.TCPAddr).Port
	certDir := filepath.Join(dir, "certificates")

	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, set := range s.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse([]string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--cert-dir=" + certDir,
		"--token-auth-file=" + tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + keyFile,
		"--service-account-signing-key-file=" + keyFile,
		"--service-cluster-ip-range=10.0.0.0/16",
		"--v=" + verbosity,
	}); err != nil {
		return err
	}
	s.SecureServing.Listener, s.SecureServing.BindPort = listener, port
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	// As NewAPIServerCommand does: the loopback clients' warnings are the server talking to itself.
	rest.SetDefaultWarningHandler(rest.NoWarnings{})

	completed, err := s.Complete(ctx)
	if err != nil {
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return utilerrors.NewAggregate(errs)
	}
	serverCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- app.Run(serverCtx, completed) }()

	serverURL := fmt.Sprintf("https://127.0.0.1:%d", port)
	if err := waitReady(ctx, serverURL, token, done); err != nil {
		cancel()
		return err
	}
	line, err := json.Marshal(ready{serverURL, token, filepath.Join(certDir, "apiserver.crt"), dir})
	if err != nil {
		return err
	}
	fmt.Println(string(line))

	select {
	case err := <-done: // the server stopped on its own
		return err
	case <-ctx.Done():
	}
	klog.Info("stopping kube-apiserver")
	cancel()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		return errors.New("kube-apiserver did not stop within 60 s")
	}
}

func startEtcd(dir string) (*embed.Etcd, string, error) {
	client, err := freeLocalURL()
	if err != nil {
		return nil, "", err
	}
	peer, err := freeLocalURL()
	if err != nil {
		return nil, "", err
	}
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.LogLevel = "error"
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, client.String(), nil
	case err := <-e.Err():
		e.Close()
		return nil, "", err
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, "", errors.New("etcd was not ready within 60 s")
	}
}

// freeLocalURL picks a port the kernel reports free; etcd binds it a moment later.
func freeLocalURL() (*url.URL, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return &url.URL{Scheme: "http", Host: l.Addr().String()}, nil
}

func waitReady(ctx context.Context, serverURL, token string, done <-chan error) error {
	// The server's certificate is self-signed and written as it starts; readiness only needs a 200.
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
	}
	deadline := time.After(180 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, serverURL+"/readyz", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := client.Do(req); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			klog.V(2).Infof("readyz %d: %s", resp.StatusCode, body)
		}
		select {
		case err := <-done:
			return fmt.Errorf("kube-apiserver stopped before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return errors.New("kube-apiserver was not ready within 180 s")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func writeRSAKey(path string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}
	return os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}
