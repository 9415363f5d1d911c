/**
 * The kshop policy (./policy.yaml) in an EKS cluster: a VPC with two
 * subnets, the cluster with the VPC CNI's network policy agent switched on
 * (EKS enforces NetworkPolicy only then), a node group, the `kubernetes`
 * provider pointed at the cluster, the policy's namespaces, the
 * segmentation's NetworkPolicies, and one Deployment per segment whose pods
 * carry their segment's labels. Built into a stack of either core
 * (../_support/terraform.ts).
 */
import * as path from 'path';
import { Construct } from 'constructs';
// In your own project: from 'cdktf-microseg'.
import { KubernetesSegmentation, SegmentationPolicy } from '../../lib';
import { Ref, Terraform } from '../_support/terraform';

export const KSHOP_POLICY = path.join(__dirname, 'policy.yaml');

export interface KubernetesShopProps {
  /** @default examples/kubernetes-shop/policy.yaml */
  readonly policy?: SegmentationPolicy;
}

const assumeRole = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;

/** Adds the example to `stack` (a cdktf or cdktn TerraformStack); returns its segmentation. */
export function kubernetesShop(stack: Construct, props: KubernetesShopProps = {}): KubernetesSegmentation {
  const policy = props.policy ?? SegmentationPolicy.fromFile(KSHOP_POLICY);
  const tf = Terraform.of(stack);
  tf.provider('aws', 'aws', '~> 6.0', { region: 'eu-west-1' });

  // The cluster: two subnets in two zones (EKS requires two), one IAM role each for the control plane and the nodes.
  const vpc = tf.resource('aws_vpc', 'vpc', { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, tags: { Name: 'kshop' } });
  const subnets = ['a', 'b'].map((zone, i) =>
    tf.resource('aws_subnet', `subnet-${zone}`, { vpc_id: vpc.id, cidr_block: `10.0.${i * 16}.0/20`, availability_zone: `eu-west-1${zone}`, tags: { Name: `kshop-${zone}` } }),
  );
  const clusterRole = tf.resource('aws_iam_role', 'cluster-role', { name: 'kshop-cluster', assume_role_policy: assumeRole('eks.amazonaws.com') });
  const clusterPolicy = tf.resource('aws_iam_role_policy_attachment', 'cluster-policy', { role: clusterRole.attr('name'), policy_arn: managed('AmazonEKSClusterPolicy') });
  const cluster = tf.resource(
    'aws_eks_cluster',
    'cluster',
    { name: 'kshop', role_arn: clusterRole.attr('arn'), vpc_config: { subnet_ids: subnets.map((s) => s.id) } },
    { dependsOn: [clusterPolicy] },
  );
  // The VPC CNI enforces NetworkPolicy only with its network policy agent on.
  tf.resource('aws_eks_addon', 'vpc-cni', { cluster_name: cluster.attr('name'), addon_name: 'vpc-cni', configuration_values: JSON.stringify({ enableNetworkPolicy: 'true' }) });
  const nodeRole = tf.resource('aws_iam_role', 'node-role', { name: 'kshop-node', assume_role_policy: assumeRole('ec2.amazonaws.com') });
  const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map((name) =>
    tf.resource('aws_iam_role_policy_attachment', `node-${name}`, { role: nodeRole.attr('name'), policy_arn: managed(name) }),
  );
  tf.resource(
    'aws_eks_node_group',
    'nodes',
    {
      cluster_name: cluster.attr('name'),
      node_group_name: 'kshop',
      node_role_arn: nodeRole.attr('arn'),
      subnet_ids: subnets.map((s) => s.id),
      instance_types: ['t3.medium'],
      scaling_config: { desired_size: 2, min_size: 2, max_size: 3 },
    },
    { dependsOn: nodePolicies },
  );

  // The kubernetes provider talks to that cluster.
  const auth = tf.data('aws_eks_cluster_auth', 'cluster-auth', { name: cluster.attr('name') });
  tf.provider('kubernetes', 'hashicorp/kubernetes', '~> 2.36', {
    host: cluster.attr('endpoint'),
    cluster_ca_certificate: tf.module.Fn.base64decode(cluster.attr('certificate_authority[0].data')),
    token: auth.attr('token'),
  });

  const segmentation = new KubernetesSegmentation(stack, 'segmentation', { policy });
  // The namespaces the policy puts its segments in (targets.kubernetes), created before any NetworkPolicy in them.
  const namespaces = new Map<string, Ref>();
  for (const ns of segmentation.namespaces) namespaces.set(ns, tf.resource('kubernetes_namespace_v1', `ns-${ns}`, { metadata: { name: ns } }));
  segmentation.addDependency(...namespaces.values());

  // One Deployment per segment: its pods carry every label of the segment, in the segment's namespace.
  for (const segment of segmentation.segments) {
    const labels = segmentation.podLabels(segment);
    tf.resource('kubernetes_deployment_v1', `${segment}-deployment`, {
      metadata: { name: segment, namespace: namespaces.get(segmentation.namespaceOf(segment))!.attr('metadata[0].name') },
      spec: {
        replicas: '2',
        selector: { match_labels: labels },
        template: { metadata: { labels }, spec: { container: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } },
      },
    });
  }
  return segmentation;
}
