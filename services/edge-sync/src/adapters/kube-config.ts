import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig file when given (tests, running outside the cluster), else the pod's own account. */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromCluster();
  return kc;
}
