// `npm run emulators`: the AWS Secrets Manager and GCP Secret Manager emulators the tests
// use, as a long-running process, so the AWS and GCP paths can be tried without a cloud
// account. They keep everything in memory (gone on exit) and listen on loopback only.
// Point a connection at them (Settings -> Providers), and give the dashboard dummy AWS
// credentials: the emulators do not check signatures.
import { startAwsSecretsManagerEmulator } from '../test/emulators/aws-secrets-manager';
import { startGcpSecretManagerEmulator } from '../test/emulators/gcp-secret-manager';

const host = '127.0.0.1';
const awsPort = Number(process.env.AWS_EMULATOR_PORT ?? 4566);
const gcpPort = Number(process.env.GCP_EMULATOR_PORT ?? 8086);
const gcpProject = process.env.GCP_EMULATOR_PROJECT ?? 'demo-project';

// Simulated rotation Lambdas for provider-native rotation (RotateSecret): one that
// succeeds and one that gives up, each after a short delay so "in progress" is visible.
const rotateOk = 'arn:aws:lambda:us-east-1:123456789012:function:emulator-rotate-ok';
const rotateFail = 'arn:aws:lambda:us-east-1:123456789012:function:emulator-rotate-fail';

const aws = await startAwsSecretsManagerEmulator({
  host,
  port: awsPort,
  rotationLambdas: { [rotateOk]: { outcome: 'succeed', delayMs: 3000 }, [rotateFail]: { outcome: 'fail', delayMs: 3000 } },
});
const gcp = await startGcpSecretManagerEmulator({ host, port: gcpPort, projectNumbers: { [gcpProject]: '123456789012' } });

console.log(`Cloud emulators running (in memory; Ctrl-C stops them).

  AWS Secrets Manager  ${aws.endpoint}
    Connection: kind AWS, region us-east-1, endpoint ${aws.endpoint}
    Start the dashboard with dummy credentials, e.g.
      AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator npm start
    Rotation Lambdas (provider-native rotation, finish after 3 s):
      succeeds   ${rotateOk}
      fails      ${rotateFail}

  GCP Secret Manager   ${gcp.endpoint}
    Connection: kind GCP, project ${gcpProject}, endpoint ${gcp.endpoint}
    (an http:// endpoint makes the dashboard skip TLS and Google sign-in)
`);

async function stop(): Promise<void> {
  await Promise.allSettled([aws.close(), gcp.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
