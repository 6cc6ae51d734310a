// Command ha-scheduler is kube-scheduler with the ha-scheduler plugins.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // JSON log format, as kube-scheduler has it
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"

	"github.com/ha-scheduler/ha-scheduler/pkg/app"
)

func main() {
	os.Exit(cli.Run(app.NewCommand()))
}
