// The KMS commands (mc admin kms …): madmin's KMSStatus, GetKeyStatus, KMSVersion, CreateKey,
// ListKeys and KMSMetrics, each one /minio/kms/v1/ call as madmin's doKMSRequest makes it.
package main

func kmsCommands() map[string]handler {
	return map[string]handler{
		"kms-status": func(c *call) (interface{}, error) {
			return c.adm.KMSStatus(c.ctx)
		},
		// {keyID}: "" asks about the default key.
		"get-key-status": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				KeyID string `json:"keyID"`
			}](c)
			return c.adm.GetKeyStatus(c.ctx, a.KeyID)
		},
		"kms-version": func(c *call) (interface{}, error) {
			return c.adm.KMSVersion(c.ctx)
		},
		"kms-metrics": func(c *call) (interface{}, error) {
			return c.adm.KMSMetrics(c.ctx)
		},
		// {keyID}
		"create-key": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				KeyID string `json:"keyID"`
			}](c)
			return nil, c.adm.CreateKey(c.ctx, a.KeyID)
		},
		// {pattern}
		"list-keys": func(c *call) (interface{}, error) {
			a := argsOf[struct {
				Pattern string `json:"pattern"`
			}](c)
			return c.adm.ListKeys(c.ctx, a.Pattern)
		},
	}
}
