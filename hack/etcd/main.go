// Command etcd is etcd built from the Go module that Kubernetes v1.37.2 pins,
// so tests and the lab never download a release binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
