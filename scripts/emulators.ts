// `npm run emulators`: the AWS Secrets Manager and GCP Secret Manager emulators the tests
// use, as a long-running process, so the AWS and GCP paths can be tried without a cloud
// account. They keep everything in memory (gone on exit) and listen on loopback only.
// Point a connection at them (Settings -> Providers), and give the dashboard dummy AWS
// credentials: the emulators do not check signatures.
import { startCloudTrailEmulator } from '../test/emulators/aws-cloudtrail';
import { startAwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { startGcpLoggingEmulator } from '../test/emulators/gcp-logging';
import { startGcpSecretManagerEmulator } from '../test/emulators/gcp-secret-manager';

const host = '127.0.0.1';
const awsPort = Number(process.env.AWS_EMULATOR_PORT ?? 4566);
const gcpPort = Number(process.env.GCP_EMULATOR_PORT ?? 8086);
const gcpProject = process.env.GCP_EMULATOR_PROJECT ?? 'demo-project';
const cloudTrailPort = Number(process.env.CLOUDTRAIL_EMULATOR_PORT ?? 4567);
const loggingPort = Number(process.env.LOGGING_EMULATOR_PORT ?? 8087);

// Simulated rotation Lambdas for provider-native rotation (RotateSecret): one that
// succeeds and one that gives up, each after a short delay so "in progress" is visible.
const rotateOk = 'arn:aws:lambda:us-east-1:123456789012:function:emulator-rotate-ok';
const rotateFail = 'arn:aws:lambda:us-east-1:123456789012:function:emulator-rotate-fail';

// Access history: every Secrets Manager call lands in the CloudTrail emulator, every
// Secret Manager call in the Cloud Logging one (Data Access logs on).
const trail = await startCloudTrailEmulator({ host, port: cloudTrailPort });
const logging = await startGcpLoggingEmulator({ host, port: loggingPort, caller: `app@${gcpProject}.iam.gserviceaccount.com` });
const aws = await startAwsSecretsManagerEmulator({
  host,
  port: awsPort,
  onCall: trail.recordSecretsManagerCall,
  rotationLambdas: { [rotateOk]: { outcome: 'succeed', delayMs: 3000 }, [rotateFail]: { outcome: 'fail', delayMs: 3000 } },
});
const gcp = await startGcpSecretManagerEmulator({
  host,
  port: gcpPort,
  projectNumbers: { [gcpProject]: '123456789012' },
  onCall: logging.recordSecretManagerCall,
});

console.log(`Cloud emulators running (in memory; Ctrl-C stops them).

  Start the dashboard allowing connections to the emulators on ${host} (the egress policy
  refuses loopback addresses otherwise) and with dummy AWS credentials, e.g.
      EGRESS_ALLOW=${host} AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator npm start

  AWS Secrets Manager  ${aws.endpoint}
    Connection: kind AWS, region us-east-1, endpoint ${aws.endpoint}
    Rotation Lambdas (provider-native rotation, finish after 3 s):
      succeeds   ${rotateOk}
      fails      ${rotateFail}

  GCP Secret Manager   ${gcp.endpoint}
    Connection: kind GCP, project ${gcpProject}, endpoint ${gcp.endpoint}
    (an http:// endpoint makes the dashboard skip TLS and Google sign-in)

  Access history (the Access tab): start the dashboard with
      CLOUDTRAIL_ENDPOINT=${trail.endpoint} CLOUD_LOGGING_ENDPOINT=${logging.endpoint}
`);

async function stop(): Promise<void> {
  await Promise.allSettled([aws.close(), gcp.close(), trail.close(), logging.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
