// Cluster commands: server/storage/usage info, healing, configuration, service actions, IAM
// export/import, bucket quotas, pools (decommission) and rebalance.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	madmin "github.com/minio/madmin-go"
)

func infoCommands() map[string]handler {
	return map[string]handler{
		"server-info": func(c *call) (interface{}, error) {
			return c.adm.ServerInfo(c.ctx)
		},
		"storage-info": func(c *call) (interface{}, error) {
			return c.adm.StorageInfo(c.ctx)
		},
		"data-usage-info": func(c *call) (interface{}, error) {
			return c.adm.DataUsageInfo(c.ctx)
		},
	}
}

// healResult carries both of Heal's answers: healStart for a start or stop, healTaskStatus when
// a clientToken asked for the status of a running sequence.
type healResult struct {
	HealStart      madmin.HealStartSuccess `json:"healStart"`
	HealTaskStatus madmin.HealTaskStatus   `json:"healTaskStatus"`
}

func healCommands() map[string]handler {
	return map[string]handler{
		// Heal(bucket, prefix, opts, clientToken, forceStart, forceStop); opts is madmin.HealOpts
		// as JSON ({recursive, dryRun, remove, recreate, scanMode, nolock}).
		"heal": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Bucket      string          `json:"bucket"`
				Prefix      string          `json:"prefix"`
				Opts        madmin.HealOpts `json:"opts"`
				ClientToken string          `json:"clientToken"`
				ForceStart  bool            `json:"forceStart"`
				ForceStop   bool            `json:"forceStop"`
			}](c)
			start, status, err := c.adm.Heal(c.ctx, a.Bucket, a.Prefix, a.Opts, a.ClientToken, a.ForceStart, a.ForceStop)
			return healResult{start, status}, err
		},
		"background-heal-status": func(c *call) (interface{}, error) {
			return c.adm.BackgroundHealStatus(c.ctx)
		},
	}
}

func configCommands() map[string]handler {
	return map[string]handler{
		// The decrypted "subsys key=value ..." text.
		"get-config-kv": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Key string `json:"key"`
				Env bool   `json:"env"`
			}](c)
			b, err := c.adm.GetConfigKVWithOptions(c.ctx, a.Key, madmin.KVOptions{Env: a.Env})
			return string(b), err
		},
		"set-config-kv": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				KV string `json:"kv"`
			}](c)
			restart, err := c.adm.SetConfigKV(c.ctx, a.KV)
			return restartResult{restart}, err
		},
		"del-config-kv": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Key string `json:"key"`
			}](c)
			restart, err := c.adm.DelConfigKV(c.ctx, a.Key)
			return restartResult{restart}, err
		},
		"help-config-kv": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				SubSys  string `json:"subSys"`
				Key     string `json:"key"`
				EnvOnly bool   `json:"envOnly"`
			}](c)
			return c.adm.HelpConfigKV(c.ctx, a.SubSys, a.Key, a.EnvOnly)
		},
		// The whole configuration (decrypted) and its replacement.
		"get-config": func(c *call) (interface{}, error) {
			b, err := c.adm.GetConfig(c.ctx)
			return bytesResult(b), err
		},
		"set-config": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Config string `json:"config"`
			}](c)
			return nil, c.adm.SetConfig(c.ctx, strings.NewReader(a.Config))
		},
	}
}

func serviceCommands() map[string]handler {
	return map[string]handler{
		"service-restart": func(c *call) (interface{}, error) {
			return nil, c.adm.ServiceRestart(c.ctx)
		},
		"service-stop": func(c *call) (interface{}, error) {
			return nil, c.adm.ServiceStop(c.ctx)
		},
		"service-freeze": func(c *call) (interface{}, error) {
			return nil, c.adm.ServiceFreeze(c.ctx)
		},
		"service-unfreeze": func(c *call) (interface{}, error) {
			return nil, c.adm.ServiceUnfreeze(c.ctx)
		},
	}
}

func iamCommands() map[string]handler {
	return map[string]handler{
		// The exported archive (a zip), base64-encoded.
		"export-iam": func(c *call) (interface{}, error) {
			body, err := c.adm.ExportIAM(c.ctx)
			if err != nil {
				return nil, err
			}
			defer body.Close()
			b, err := io.ReadAll(body)
			return base64.StdEncoding.EncodeToString(b), err
		},
		// data: an archive as export-iam returns it (base64).
		"import-iam": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Data string `json:"data"`
			}](c)
			b, err := base64.StdEncoding.DecodeString(a.Data)
			if err != nil {
				usage(fmt.Sprintf("bad arguments for %s: data is not base64: %v", c.name, err))
			}
			return nil, c.adm.ImportIAM(c.ctx, io.NopCloser(bytes.NewReader(b)))
		},
	}
}

func quotaCommands() map[string]handler {
	return map[string]handler{
		"get-bucket-quota": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Bucket string `json:"bucket"`
			}](c)
			return c.adm.GetBucketQuota(c.ctx, a.Bucket)
		},
		// {bucket, quota: bytes (0 clears it), quotatype: "hard"}.
		"set-bucket-quota": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Bucket    string           `json:"bucket"`
				Quota     uint64           `json:"quota"`
				QuotaType madmin.QuotaType `json:"quotatype"`
			}](c)
			return nil, c.adm.SetBucketQuota(c.ctx, a.Bucket, &madmin.BucketQuota{Quota: a.Quota, Type: a.QuotaType})
		},
	}
}

type poolArgs struct {
	// Pool is the pool's command-line argument (e.g. "/data/a{1...4}"); 2.0.7 has no by-id form.
	Pool string `json:"pool"`
}

func poolCommands() map[string]handler {
	return map[string]handler{
		"list-pools-status": func(c *call) (interface{}, error) {
			return c.adm.ListPoolsStatus(c.ctx)
		},
		"status-pool": func(c *call) (interface{}, error) {
			return c.adm.StatusPool(c.ctx, argsOf[poolArgs](c).Pool)
		},
		"decommission-pool": func(c *call) (interface{}, error) {
			return nil, c.adm.DecommissionPool(c.ctx, argsOf[poolArgs](c).Pool)
		},
		"cancel-decommission-pool": func(c *call) (interface{}, error) {
			return nil, c.adm.CancelDecommissionPool(c.ctx, argsOf[poolArgs](c).Pool)
		},
	}
}

func rebalanceCommands() map[string]handler {
	return map[string]handler{
		"rebalance-start": func(c *call) (interface{}, error) {
			id, err := c.adm.RebalanceStart(c.ctx)
			return map[string]string{"id": id}, err
		},
		"rebalance-status": func(c *call) (interface{}, error) {
			return c.adm.RebalanceStatus(c.ctx)
		},
		"rebalance-stop": func(c *call) (interface{}, error) {
			return nil, c.adm.RebalanceStop(c.ctx)
		},
	}
}
