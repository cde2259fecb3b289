/**
 * The Jenkinsfile reader (tree-sitter-groovy): which steps are shell and what shell text they
 * hold, Groovy strings decoded and encoded exactly, docker.build as the plugin's command,
 * dir()/environment, one sequence per machine, what is not followed, and edits written back.
 */
import { describe, expect, it } from 'vitest';
import { decodeGroovyString, encodeGroovyString, quoteOf, type Quote } from '../../src/analyze/hosts/groovy-string.js';
import { parseJenkinsfile, readJenkinsfile } from '../../src/analyze/hosts/jenkinsfile.js';
import { grammarLoaded, parseWith } from '../../src/analyze/tree-sitter.js';
import { parseShell } from '../../src/analyze/shell.js';
import { kindOf, candidateOf } from '../../src/kinds/registry.js';
import { jenkinsSteps } from '../../src/verify/jenkins-steps.js';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';
import { rereadScript } from '../../src/plan/reread.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';

const read = (text: string) => parseJenkinsfile('Jenkinsfile', text);
const commands = (text: string) => read(text).script!.commands.map((c) => c.words.map((w) => w.value));
const codes = (plan: ReturnType<typeof planFiles>) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const declarative = (steps: string) => `pipeline {\n    agent any\n    stages {\n        stage('Build') {\n            steps {\n${steps}            }\n        }\n    }\n}\n`;

describe('the Groovy grammar', () => {
  it('is loaded only when a Jenkinsfile is read', () => {
    parseShell('build.sh', 'docker build -t app .\n');
    expect(grammarLoaded('tree-sitter-groovy')).toBe(false);
    read(declarative("                sh 'docker build -t app .'\n"));
    expect(grammarLoaded('tree-sitter-groovy')).toBe(true);
  });
});

describe('which files are Jenkinsfiles', () => {
  it('claims Jenkinsfile, Jenkinsfile.*, *.jenkinsfile and *.groovy named for Jenkins; not other Groovy', () => {
    for (const f of ['Jenkinsfile', 'ci/Jenkinsfile.release', 'build.jenkinsfile', 'ci/Jenkinsfile.groovy', 'release.Jenkinsfile']) {
      expect(kindOf(f, 'pipeline {}'), f).toBe('jenkinsfile');
      expect(candidateOf(f, f.split('/').pop()!), f).toBe('script');
    }
    expect(kindOf('vars/buildImage.groovy', 'def call() { sh "docker build ." }')).toBe(null);
    expect(kindOf('build.gradle', 'task x')).toBe(null);
  });
});

describe('Groovy strings', () => {
  const decode = (literal: string) => {
    const text = `sh ${literal}\n`;
    const root = parseWith('tree-sitter-groovy', text);
    const node = root.descendantsOfType(['character_literal', 'string_literal'])[0]!;
    return decodeGroovyString(node, text, new Map());
  };

  it('decodes escapes exactly, and maps every character back to the file', () => {
    const d = decode(String.raw`'a \'q\' \\ b\tc'`)!;
    expect(d.value).toBe("a 'q' \\ b\tc");
    expect(d.interpolated).toBe(false);
    // The `\\` at file offset 12 is one backslash of the value.
    expect(d.toFile[d.value.indexOf('\\')]).toBe(`sh 'a \\'q\\' `.length);
    expect(decode(String.raw`"cost \$HOME \u0041"`)!.value).toBe('cost $HOME A');
    expect(decode("'''one \\\ntwo'''")!.value).toBe('one two');
    expect(decode('"""a\n  b"""')!.value).toBe('a\n  b');
    // Single-quoted strings are literal: `$` is a dollar sign.
    expect(decode("'echo $HOME ${X}'")!.value).toBe('echo $HOME ${X}');
  });

  it('reads ${…} and $name.path in GStrings as unknown values, one per expression text', () => {
    const exprs = new Map<string, number>();
    const text = 'sh "a ${env.TAG} $B.c ${ env.TAG }"\n';
    const node = parseWith('tree-sitter-groovy', text).descendantsOfType('string_literal')[0]!;
    const d = decodeGroovyString(node, text, exprs)!;
    expect(d.value).toBe('a ${__groovy_0} ${__groovy_1} ${__groovy_0}');
    expect(d.interpolated).toBe(true);
  });

  it('refuses escapes and dollars it does not read', () => {
    expect(decode(String.raw`'a \s b'`)).toBe(null);
    expect(decode(String.raw`'a \101 b'`)).toBe(null);
    expect(decode('"a $ b"')).toBe(null);
    expect(decode('"a ${x("y")} b"')).toBe(null);
  });

  it('encodes text so each quoting reads it back exactly', () => {
    const tricky = `it's "$HOME" \\ \${x} \t end`;
    for (const q of ["'", "'''", '"', '"""'] as Quote[]) {
      const text = `sh ${q}${encodeGroovyString(q, tricky)}${q}\n`;
      const node = parseWith('tree-sitter-groovy', text).descendantsOfType(['character_literal', 'string_literal'])[0]!;
      expect(quoteOf(node, text), q).toBe(q);
      expect(decodeGroovyString(node, text, new Map())?.value, q).toBe(tricky);
    }
  });
});

describe('steps read as shell', () => {
  it('reads every form of sh, in order, with its text decoded', () => {
    const text = declarative(
      [
        "                sh 'docker build -t app:build -f Dockerfile.build .'",
        "                sh '''",
        '                    docker create --name x app:build',
        '                    docker cp x:/out/app app',
        "                '''",
        '                sh "docker rm x"',
        "                sh(script: 'echo one', label: 'first')",
        '                sh script: """echo two"""',
        '',
      ].join('\n'),
    );
    expect(commands(text)).toEqual([
      ['docker', 'build', '-t', 'app:build', '-f', 'Dockerfile.build', '.'],
      ['docker', 'create', '--name', 'x', 'app:build'],
      ['docker', 'cp', 'x:/out/app', 'app'],
      ['docker', 'rm', 'x'],
      ['echo', 'one'],
      ['echo', 'two'],
    ]);
    const script = read(text).script!;
    // Word offsets are offsets in the Jenkinsfile.
    const cp = script.commands[2]!.words[2]!;
    expect(text.slice(cp.start, cp.end)).toBe('x:/out/app');
    expect(script.commands[2]!.line).toBe(9);
    expect(script.sequences.length).toBe(1);
  });

  it('reads docker.build as the command the plugin runs: `docker build -t NAME ARGS`, `.` by default', () => {
    const text = declarative("                script {\n                    docker.build('app:build', '-f Dockerfile.build --pull .')\n                    def img = docker.build(\"app\")\n                }\n");
    expect(commands(text)).toEqual([
      ['docker', 'build', '-t', 'app:build', '-f', 'Dockerfile.build', '--pull', '.'],
      ['docker', 'build', '-t', 'app', '.'],
    ]);
    const name = read(text).script!.commands[0]!.words[3]!;
    expect(text.slice(name.start, name.end)).toBe('app:build');
  });

  it('follows dir() and the environment: static values known, interpolated ones not', () => {
    const text = `pipeline {\n  agent any\n  environment {\n    IMAGE = 'app'\n    TAG = "\${env.BUILD_ID}"\n  }\n  stages {\n    stage('b') {\n      steps {\n        dir('svc') {\n          dir('api') { sh 'docker build -t $IMAGE:$TAG .' }\n        }\n        withEnv(['K=v']) { sh 'echo $K' }\n      }\n    }\n  }\n}\n`;
    const script = read(text).script!;
    expect(script.commands.map((c) => c.cwd)).toEqual(['svc/api', '']);
    const tag = script.commands[0]!.words[3]!;
    expect(tag.value).toBe(null);
    expect(tag.staticPrefix).toBe('app:');
    expect(script.commands[1]!.words[1]!.value).toBe('v');
  });

  it('an interpolation is unknown wherever the shell puts it, also inside single quotes', () => {
    const script = read(declarative(`                sh "docker cp 'x:/out/\${params.BIN}' bin"\n`)).script!;
    const word = script.commands[0]!.words[2]!;
    expect(word.value).toBe(null);
    expect(word.raw).toBe("'x:/out/${params.BIN}'");
  });

  it('each node block, and each stage with its own agent, is its own machine', () => {
    const scripted = `node {\n  sh 'docker build -t a .'\n}\nnode('arm') {\n  sh 'docker build -t b .'\n}\n`;
    expect(read(scripted).script!.sequences.map((s) => s.map((c) => c.words[3]!.value))).toEqual([['a'], ['b']]);
    const staged = `pipeline {\n  agent none\n  stages {\n    stage('x') {\n      agent { label 'linux' }\n      steps { sh 'docker build -t a .' }\n    }\n    stage('y') {\n      agent { label 'linux' }\n      steps { sh 'docker build -t b .' }\n    }\n  }\n}\n`;
    expect(read(staged).script!.sequences.length).toBe(2);
  });
});

describe('what is not followed', () => {
  const unread = (text: string) => read(text).script!.unread!.map((u) => u.diagnostic.message);

  it('steps in post, when, parallel, containers, other shells and unknown steps are unread steps', () => {
    const cases: [string, RegExp][] = [
      ["pipeline {\n agent any\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n post { always { sh 'docker rm -f x' } }\n}\n", /post/],
      ["pipeline {\n agent any\n stages { stage('a') {\n when { branch 'main' }\n steps { sh 'docker build -t a .' } } }\n}\n", /when/],
      ["pipeline {\n agent { docker { image 'golang' } }\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n}\n", /container/],
      ["node {\n docker.image('golang').inside { sh 'go build -o app' }\n}\n", /container/],
      ["node {\n bat 'docker build -t a .'\n}\n", /bat/],
      ["node {\n junit 'reports/*.xml'\n sh 'docker build -t a .'\n}\n", /junit/],
      ["pipeline {\n agent any\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n post { failure { archiveArtifacts 'app' } }\n}\n", /post \{ failure \}` runs its steps on some outcomes/],
      ["pipeline {\n agent any\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n post { always { archiveArtifacts 'app'\n sh 'ls' } }\n}\n", /post \{ always \}` runs a step the tool does not follow/],
      ["node {\n sh script: 'docker rm x', returnStatus: true\n}\n", /returnStatus/],
      ["node {\n if (params.PUSH) { sh 'docker push a' }\n}\n", /conditionally/],
    ];
    for (const [text, why] of cases) expect(unread(text).join('\n'), text).toMatch(why);
  });

  it('passes over steps that touch no file, and cleanWs in post', () => {
    const text = "pipeline {\n agent any\n options { timestamps() }\n parameters { string(name: 'X', defaultValue: 'y') }\n stages { stage('a') { steps {\n checkout scm\n echo 'hi'\n sh 'docker build -t a .'\n } } }\n post { always { cleanWs() } }\n}\n";
    expect(unread(text)).toEqual([]);
  });

  it('a setup in a pipeline with an unread step is refused (SHELL_NOT_READ)', () => {
    const jf = `node {\n  sh 'docker build -t app:build -f Dockerfile.build .'\n  sh 'docker create --name x app:build'\n  sh 'docker cp x:/out/app app'\n  junit 'reports/*.xml'\n  sh 'docker rm x'\n  sh 'docker build -t app .'\n}\n`;
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf });
    expect(codes(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    // archiveArtifacts there is read: a program the tool does not model, reading the artifact between the extraction's steps
    const archived = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf.replace("junit 'reports/*.xml'", "archiveArtifacts artifacts: 'app'") });
    expect(codes(archived)).toEqual([['refused', ['ARTIFACT_USED_ON_HOST', 'BUILDER_INPUT_CHANGED']]]);
  });

  it('an unknown step is a warning when it mentions docker, a note otherwise', () => {
    const severities = (text: string) => read(text).script!.unread!.map((u) => u.diagnostic.severity);
    expect(severities("node {\n  junit 'reports/*.xml'\n  sh 'docker build -t a .'\n}\n")).toEqual(['info']);
    expect(severities("node {\n  dockerPush image: 'a'\n}\n")).toEqual(['warning']);
  });

  it('Groovy passed over that calls what may read the artifact is unread: junit, readFile in a def or an echo', () => {
    const cases: [string, RegExp][] = [
      ["node {\n sh 'docker build -t a .'\n junit 'out/report.xml'\n}\n", /junit/],
      ["pipeline {\n agent any\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n post { always { junit 'out/report.xml' } }\n}\n", /junit/],
      ["node {\n def v = readFile('out/VERSION').trim()\n sh 'docker build -t a .'\n}\n", /readFile/],
      ["node {\n sh 'docker build -t a .'\n echo \"size ${fileExists('app')}\"\n}\n", /fileExists/],
      ["node {\n sh 'docker build -t a .'\n echo \"size ${readFile('app').length()}\"\n}\n", /interpolation/],
    ];
    for (const [text, why] of cases) expect(unread(text).join('\n'), text).toMatch(why);
    // pure Groovy, properties and a `sh` captured in a def are read, not unread
    expect(unread("node {\n def v = sh(returnStdout: true, script: 'git describe').trim()\n echo \"v ${v.toUpperCase()} ${env.BUILD_ID}\"\n sh 'docker build -t a .'\n}\n")).toEqual([]);
    expect(commands("node {\n def v = sh(returnStdout: true, script: 'git describe').trim()\n sh 'docker build -t a .'\n}\n")).toEqual([['git', 'describe'], ['docker', 'build', '-t', 'a', '.']]);
  });

  it('a label naming docker is no container agent', () => {
    expect(unread("pipeline {\n agent { label 'docker' }\n stages { stage('a') { steps { sh 'docker build -t a .' } } }\n}\n")).toEqual([]);
  });

  it('a file the grammar cannot parse is not analysed (SHELL_PARSE_ERROR)', () => {
    const r = readJenkinsfile('Jenkinsfile', "node {\n  sh /docker build $x/\n}\n");
    expect(r.reading).toBe(null);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SHELL_PARSE_ERROR']);
  });
});

describe('edits written back into the Jenkinsfile', () => {
  const pattern = (final: string) =>
    declarative(
      [
        "                echo 'build'",
        "                sh 'docker build --build-arg GOFLAGS=\"-trimpath\" -t app:build -f Dockerfile.build .'",
        "                sh 'docker create --name x app:build'",
        "                sh 'docker cp x:/out/app app'",
        "                sh 'docker rm x'",
        final,
        '',
      ].join('\n'),
    );
  const migrate = (jf: string) => {
    const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf };
    const plan = planFiles(files);
    return { plan, after: applied(files, plan)['Jenkinsfile']! };
  };

  it('carries the builder build\'s flags into a sh step, spelled for its quoting', () => {
    const { plan, after } = migrate(pattern('                sh "docker build -t app ."'));
    expect(codes(plan)).toEqual([['migrate', []]]);
    expect(after).toBe(declarative(`                echo 'build'\n                sh "docker build --build-arg GOFLAGS=\\"-trimpath\\" -t app ."\n`));
  });

  it('does not add them to docker.build, whose `-t NAME` comes first (SCRIPT_EDIT_UNSAFE)', () => {
    for (const call of ["docker.build('app', '-f Dockerfile .')", "docker.build('app')"]) {
      const { plan } = migrate(pattern(`                script { ${call} }`));
      expect(codes(plan), call).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    }
  });

  describe('a declarative stage left without a step', () => {
    const EXTRACT = ["sh 'docker build -t app:build -f Dockerfile.build .'", "sh 'docker create --name x app:build'", "sh 'docker cp x:/out/app app'", "sh 'docker rm x'"];
    const stage = (sections: string) => `    stage('compile') {\n${sections}      steps {\n${EXTRACT.map((l) => `        ${l}\n`).join('')}      }\n    }\n`;
    const IMAGE = "    stage('image') {\n      steps { sh 'docker build -t app .' }\n    }\n";
    const jf = (stages: string) => `pipeline {\n  agent any\n  stages {\n${stages}  }\n}\n`;

    it('goes whole with its steps, which Jenkins would reject left empty', () => {
      for (const sections of ['', '      // compiles\n', '      agent none\n']) {
        const { plan, after } = migrate(jf(stage(sections) + IMAGE));
        expect(codes(plan), sections).toEqual([['migrate', []]]);
        expect(after).toBe(jf(IMAGE));
      }
      // Steps written on one line go with their stage too.
      const { plan, after } = migrate(jf(`    stage('compile') { steps { ${EXTRACT.join('; ')} } }\n` + IMAGE));
      expect(codes(plan)).toEqual([['migrate', []]]);
      expect(after).toBe(jf(IMAGE));
    });

    it('refuses (SCRIPT_EDIT_UNSAFE) where removing the stage would take more than its steps along', () => {
      for (const [sections, what] of [
        ["      options { timeout(time: 5, unit: 'MINUTES') }\n", '`options`'],
        ["      post { success { echo 'compiled' } }\n", '`post`'],
        ["      environment { A = 'b' }\n", '`environment`'],
      ]) {
        const { plan } = migrate(jf(stage(sections!) + IMAGE));
        expect(codes(plan), sections).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
        const d = plan.setups[0]!.diagnostics.find((x) => x.code === 'SCRIPT_EDIT_UNSAFE')!;
        expect(d.message).toContain(`the stage 'compile' (line 4) would be left without a step, which Jenkins rejects, and removing it would also remove its ${what}`);
        expect(d.hint).not.toMatch(/lines of their own/);
      }
    });

    it('refuses (SCRIPT_EDIT_UNSAFE) to leave a stages block without a stage', () => {
      const inner = `    stage('prep') {\n      stages {\n${stage('').replace(/^/gm, '    ')}      }\n    }\n`;
      const { plan } = migrate(jf(inner + IMAGE));
      expect(codes(plan)).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
      expect(plan.setups[0]!.diagnostics.find((x) => x.code === 'SCRIPT_EDIT_UNSAFE')!.message).toContain('every stage of the `stages` block at line 5 would be left without a step');
    });

    it('keeps a stage that keeps a step', () => {
      const { plan, after } = migrate(jf(stage('').replace('      steps {\n', "      steps {\n        echo 'compiling'\n") + IMAGE));
      expect(codes(plan)).toEqual([['migrate', []]]);
      expect(after).toBe(jf(`    stage('compile') {\n      steps {\n        echo 'compiling'\n      }\n    }\n` + IMAGE));
    });
  });

  it('keeps the image variable\'s declaration when the variable is used again', () => {
    const jf = `node {\n  def b = docker.build('app:build', '-f Dockerfile.build .')\n  sh 'docker create --name x app:build'\n  sh 'docker cp x:/out/app app'\n  sh 'docker rm x'\n  echo "\${b.id}"\n  sh 'docker build -t app .'\n}\n`;
    expect(codes(migrate(jf).plan)).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
  });
});

describe('running a pipeline (--verify)', () => {
  it('gives each step as sh -xe in its folder, with the static environment', () => {
    const text = `pipeline {\n  agent any\n  environment { IMAGE = 'app' }\n  stages { stage('b') { steps {\n    dir('svc') { sh 'docker build -t $IMAGE .' }\n    script { docker.build('app:2', 'svc') }\n  } } }\n}\n`;
    const steps = jenkinsSteps('Jenkinsfile', text, readJenkinsfile('Jenkinsfile', text).reading!.names[0]!);
    expect(steps).toEqual([
      { argv: ['sh', '-xe', '-c', 'docker build -t $IMAGE .'], cwd: 'svc', env: { JENKINS_URL: 'http://localhost/', IMAGE: 'app' }, label: 'Jenkinsfile sh step at line 5' },
      { argv: ['sh', '-xe', '-c', 'docker build -t app:2 svc'], cwd: '', env: { JENKINS_URL: 'http://localhost/', IMAGE: 'app' }, label: 'Jenkinsfile docker.build at line 6' },
    ]);
  });

  it('cannot run a pipeline that needs Jenkins to fill in a Groovy interpolation', () => {
    const text = `node {\n  sh "docker build -t app:\${env.BUILD_ID} ."\n}\n`;
    expect(jenkinsSteps('Jenkinsfile', text, readJenkinsfile('Jenkinsfile', text).reading!.names[0]!)).toEqual({ none: expect.stringMatching(/interpolation/) });
  });
});

describe('the rewritten Jenkinsfile is read again with the Groovy grammar', () => {
  const before = "node {\n  sh '''\n    docker build -t app:build -f Dockerfile.build .\n    docker create --name x app:build\n    docker cp x:/out/app app\n    docker rm x\n    docker build -t app .\n  '''\n}\n";
  const check = (after: string) => {
    const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: before };
    const fs = new MemoryFs(files);
    const script = analyze(fs, Object.keys(files).sort()).scripts.get('Jenkinsfile')!;
    return rereadScript({ script, after, removed: [0, 1, 2, 3], rewrites: [] }, fs);
  };

  it('the right edit passes', () => {
    expect(check("node {\n  sh '''\n    docker build -t app .\n  '''\n}\n")).toBeNull();
  });

  it('catches a kept command moved into another folder, into a post block, or a broken string', () => {
    expect(check("node {\n  dir('sub') {\n    sh '''\n    docker build -t app .\n    '''\n  }\n}\n")).toMatch(/docker build -t app/);
    expect(check("node {\n  if (env.X) {\n    sh 'docker build -t app .'\n  }\n}\n")).not.toBeNull();
    expect(check("node {\n  sh '''\n    docker build -t app .\n}\n")).not.toBeNull();
  });
});

describe('Jenkinsfile: the export build in an sh step', () => {
  const FILES = { 'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/beacon .\n', Dockerfile: 'FROM alpine:3.19\nCOPY beacon /usr/bin/beacon\n', 'main.go': 'package main\n' };
  const pipeline = (quote: string, first: string) =>
    ['pipeline {', '  agent any', '  stages {', "    stage('Build') {", '      steps {', "        sh 'docker build -t beacon:build -f Dockerfile.build .'", `        sh ${quote}`, `          ${first}`, '          docker create --name beacon-x beacon:build', '          docker cp beacon-x:/out/beacon beacon', '          docker rm beacon-x', `        ${quote}`, "        sh 'docker build -t beacon:latest .'", "        sh 'sha256sum beacon > beacon.sha256'", '      }', '    }', '  }', '}', ''].join('\n');

  it('takes the place of the extraction in the step, in its quoting', async () => {
    const { planFiles } = await import('../support/plan.js');
    const p = planFiles({ ...FILES, Jenkinsfile: pipeline("'''", 'echo ready') });
    expect(p.setups[0]!.status).toBe('migrate');
    const after = p.changes.find((c) => c.path === 'Jenkinsfile')!.after!;
    expect(after).toContain("          echo ready\n          docker build --target export --output type=local,dest=. -f Dockerfile .\n        '''");
    expect(after).not.toContain('docker cp');
  });

  it('refuses a step holding a Groovy interpolation, which only Jenkins fills in', async () => {
    const { planFiles } = await import('../support/plan.js');
    const p = planFiles({ ...FILES, Jenkinsfile: pipeline('"""', 'echo build ${env.BUILD_ID}') });
    expect(p.setups[0]!.status).toBe('refused');
    expect(p.setups[0]!.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['SCRIPT_EDIT_UNSAFE the export build cannot be written in place of `docker rm beacon-x`: the step\'s text holds a Groovy interpolation, which only Jenkins fills in']);
  });
});

describe('blocks around the steps that the compile would move into or out of', () => {
  const STEPS = ["sh 'docker build -t b -f Dockerfile.build .'", "sh 'docker create --name x b'", "sh 'docker cp x:/out/app app'", "sh 'docker rm x'", "sh 'docker build -t app .'"];
  const plan = (jf: string) => codes(planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf }));
  const around = (open: string, inner: number) => `node {\n  ${open} {\n${STEPS.slice(0, inner).map((l) => `    ${l}`).join('\n')}\n  }\n${STEPS.slice(inner).map((l) => `  ${l}`).join('\n')}\n}\n`;

  it('refuses the builder build in withCredentials, sshagent, docker.withRegistry or docker.withServer and the runtime build outside', () => {
    for (const open of ["withCredentials([string(credentialsId: 'npm', variable: 'TOKEN')])", "sshagent(['deploy-key'])", "docker.withRegistry('https://registry.example.com', 'reg')", "docker.withServer('tcp://build:2376', 'certs')"]) {
      expect(plan(around(open, 1)), open).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
      // all of the setup inside the same block migrates
      expect(plan(around(open, 5)), open).toEqual([['migrate', []]]);
    }
  });

  it('refuses the builder build in a withEnv whose list the tool cannot read, and the runtime build outside', () => {
    for (const open of ['withEnv(legacy)', 'withEnv([legacy])', "withEnv(['K=v'] + legacy)"]) {
      const jf = `def legacy = ['DOCKER_BUILDKIT=0']\n${around(open, 1)}`;
      expect(plan(jf), open).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
      expect(plan(`def legacy = ['DOCKER_BUILDKIT=0']\n${around(open, 5)}`), open).toEqual([['migrate', []]]);
    }
    // a list of literal `NAME=value` strings is read: names docker does not read change nothing
    expect(plan(around("withEnv(['GOFLAGS=-trimpath'])", 1))).toEqual([['migrate', []]]);
  });

  it('reads archiveArtifacts and stash as steps that may read the artifact: after the runtime build it stays on the host', () => {
    for (const step of ["archiveArtifacts 'app'", "archiveArtifacts artifacts: 'app', fingerprint: true", "stash includes: 'app', name: 'bin'"]) {
      const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: `node {\n${STEPS.map((l) => `  ${l}`).join('\n')}\n  ${step}\n}\n` });
      expect(p.setups.map((s) => s.status), step).toEqual(['migrate']);
      expect(p.changes.find((c) => c.path === 'Jenkinsfile')!.after, step).toBe(`node {\n  sh 'docker build --target export --output type=local,dest=. -f Dockerfile .'\n  ${STEPS[4]}\n  ${step}\n}\n`);
    }
    // its arguments' Groovy may read a file too
    expect(plan(`node {\n${STEPS.map((l) => `  ${l}`).join('\n')}\n  archiveArtifacts "\${readFile('NAME').trim()}"\n}\n`)).toEqual([['refused', ['SHELL_NOT_READ']]]);
  });

  it("reads archiveArtifacts and stash in a post section's always, success or cleanup as steps after the block's, wherever the section is written", () => {
    const steps = STEPS.map((l) => `          ${l}`).join('\n');
    const stage = (post: string) => `    stage('b') {\n      steps {\n${steps}\n      }\n${post}    }\n`;
    const pipeline = (post: string, before = '', inStage = '') => `pipeline {\n  agent any\n${before}  stages {\n${stage(inStage)}  }\n${post}}\n`;
    const after = (jf: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf }).changes.find((c) => c.path === 'Jenkinsfile')?.after;
    for (const cond of ['always', 'success', 'cleanup']) {
      const post = `  post {\n    ${cond} {\n      archiveArtifacts artifacts: 'app', fingerprint: true\n      stash includes: 'app', name: 'bin'\n      cleanWs()\n    }\n  }\n`;
      for (const jf of [pipeline(post), pipeline('', post), pipeline('', '', post.replace(/^/gm, '    '))]) {
        expect(plan(jf), jf).toEqual([['migrate', []]]);
        expect(after(jf), jf).toContain("sh 'docker build --target export --output type=local,dest=. -f Dockerfile .'");
      }
    }
    // a condition that runs on some paths only, or a step of another kind there, is not followed
    expect(plan(pipeline("  post {\n    failure {\n      archiveArtifacts 'app'\n    }\n  }\n"))).toEqual([['refused', ['SHELL_NOT_READ']]]);
    expect(plan(pipeline("  post {\n    always {\n      archiveArtifacts 'app'\n      sh 'rm -f app'\n    }\n  }\n"))).toEqual([['refused', ['SHELL_NOT_READ']]]);
  });

  it('refuses a runtime build under a time limit the builder build did not have (timeout block, stage options)', () => {
    const jf = `node {\n${STEPS.slice(0, 4).map((l) => `  ${l}`).join('\n')}\n  timeout(time: 1, unit: 'MINUTES') {\n    ${STEPS[4]}\n  }\n}\n`;
    expect(plan(jf)).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    const stages = (opts: string) => `pipeline {\n  agent any\n  stages {\n    stage('compile') {\n      steps {\n${STEPS.slice(0, 4).map((l) => `        ${l}`).join('\n')}\n        echo 'compiled'\n      }\n    }\n    stage('image') {\n${opts}      steps {\n        ${STEPS[4]}\n      }\n    }\n  }\n}\n`;
    expect(plan(stages("      options { timeout(time: 1, unit: 'MINUTES') }\n"))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(plan(stages('      options { retry(3) }\n'))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(plan(stages(''))).toEqual([['migrate', []]]);
  });

  it('reads a stage\'s environment {} for all its steps, written after steps {} too', () => {
    const jf = `pipeline {\n  agent any\n  environment { DF = 'Dockerfile' }\n  stages {\n    stage('b') {\n      steps {\n${STEPS.slice(0, 4).map((l) => `        ${l}`).join('\n')}\n        sh 'docker build -t app -f "$DF" .'\n      }\n      environment { DF = 'Dockerfile.prod' }\n    }\n  }\n}\n`;
    const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'Dockerfile.prod': RUNTIME, Jenkinsfile: jf });
    expect(p.setups.map((s) => s.runtimeDockerfile)).toEqual(['Dockerfile.prod']);
  });

  it('refuses a builder flag reading a variable an `env.X = …` sets between the builds', () => {
    const jf = `node {\n  sh 'docker build --build-arg V="$FLAVOUR" -t b -f Dockerfile.build .'\n${STEPS.slice(1, 4).map((l) => `  ${l}`).join('\n')}\n  env.FLAVOUR = 'release'\n  ${STEPS[4]}\n}\n`;
    expect(plan(jf)).toEqual([['refused', ['FLAG_CONFLICT']]]);
    expect(plan(jf.replace("  env.FLAVOUR = 'release'\n", ''))).toEqual([['migrate', []]]);
  });
});

describe("a stage's directives that run Groovy or change the tools", () => {
  const STEPS = ["sh 'docker build -t b -f Dockerfile.build .'", "sh 'docker create --name x b'", "sh 'docker cp x:/out/app app'", "sh 'docker rm x'", "sh 'docker build -t app .'"];
  const files = (jf: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf });
  const two = (first: string, second: string) => `pipeline {\n  agent any\n  stages {\n    stage('compile') {\n${first}      steps {\n${STEPS.slice(0, 4).map((l) => `        ${l}`).join('\n')}\n        echo 'compiled'\n      }\n    }\n    stage('image') {\n${second}      steps {\n        ${STEPS[4]}\n      }\n    }\n  }\n}\n`;

  it('reads a sh(…) in a later stage\'s environment {} as a step: it uses the artifact, which an export build keeps', () => {
    const jf = `pipeline {\n  agent any\n  stages {\n    stage('image') {\n      steps {\n${STEPS.map((l) => `        ${l}`).join('\n')}\n      }\n    }\n    stage('record') {\n      environment {\n        APP_SHA = sh(script: 'sha256sum app', returnStdout: true).trim()\n      }\n      steps {\n        echo "binary \${APP_SHA}"\n      }\n    }\n  }\n}\n`;
    const plan = planFiles(files(jf));
    expect(codes(plan)).toEqual([['migrate', []]]);
    expect(applied(files(jf), plan)['Jenkinsfile']).toContain("sh 'docker build --target export --output type=local,dest=. -f Dockerfile .'");
    expect(codes(planFiles(files(jf.replace("sh(script: 'sha256sum app', returnStdout: true).trim()", "\"${readFile('app').length()}\""))))).toEqual([['refused', ['SHELL_NOT_READ']]]);
    // credentials(…) reads Jenkins' store, not the workspace
    expect(codes(planFiles(files(jf.replace("sh(script: 'sha256sum app', returnStdout: true).trim()", "credentials('npm-token')"))))).toEqual([['migrate', []]]);
  });

  it('refuses tools {} on the builder build\'s stage only, as docker.withTool', () => {
    expect(codes(planFiles(files(two("      tools { dockerTool 'docker-19' }\n", ''))))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(planFiles(files(two("      tools { dockerTool 'docker-19' }\n", "      tools { dockerTool 'docker-20' }\n"))))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(planFiles(files(two("      tools { dockerTool 'docker-19' }\n", "      tools { dockerTool 'docker-19' }\n"))))).toEqual([['migrate', []]]);
    expect(codes(planFiles(files(two('', ''))))).toEqual([['migrate', []]]);
  });
});

describe('a later node block or agent stage, which may run in the same workspace', () => {
  const STEPS = ["sh 'docker build -t b -f Dockerfile.build .'", "sh 'docker create --name x b'", "sh 'docker cp x:/out/app app'", "sh 'docker rm x'", "sh 'docker build -t app .'"];
  const files = (jf: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf });
  const EXPORT = "sh 'docker build --target export --output type=local,dest=. -f Dockerfile .'";
  const after = (jf: string) => {
    const plan = planFiles(files(jf));
    expect(codes(plan)).toEqual([['migrate', []]]);
    return applied(files(jf), plan)['Jenkinsfile']!;
  };
  const nodes = (later: string) => `node('linux') {\n${STEPS.map((l) => `  ${l}`).join('\n')}\n}\nnode('linux') {\n  ${later}\n}\n`;

  it('keeps the artifact through an export build for a use there, or a step there it does not read', () => {
    expect(after(nodes("sh './app --selftest'"))).toContain(EXPORT);
    expect(after(nodes("archiveArtifacts artifacts: 'app'"))).toContain(EXPORT);
    const stages = `pipeline {\n  agent none\n  stages {\n    stage('image') {\n      agent { label 'linux' }\n      steps {\n${STEPS.map((l) => `        ${l}`).join('\n')}\n      }\n    }\n    stage('publish') {\n      agent { label 'linux' }\n      steps {\n        sh 'sha256sum app > app.sha256'\n      }\n    }\n  }\n}\n`;
    expect(after(stages)).toContain(EXPORT);
  });

  it('writes no export build for a later block that does not use it', () => {
    expect(after(nodes("sh 'docker push app'"))).not.toContain(EXPORT);
  });
});

describe('a builder flag written for bash carried into a step run by /bin/sh', () => {
  const files = (jf: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf });
  const jf = (flag: string, finalShebang: string) => `node {\n  sh '''#!/bin/bash -e\ndocker build --build-arg ${flag} -t b -f Dockerfile.build .\n'''\n  sh 'docker create --name x b'\n  sh 'docker cp x:/out/app app'\n  sh 'docker rm x'\n  sh '''${finalShebang}docker build -t app .\n'''\n}\n`;
  it('refuses bash-only syntax there (`${V:0:7}`), carries plain expansions, and carries anything between two bash steps', () => {
    expect(codes(planFiles(files(jf('COMMIT=${GIT_COMMIT:0:7}', ''))))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(planFiles(files(jf('COMMIT=${GIT_COMMIT}', ''))))).toEqual([['migrate', []]]);
    expect(codes(planFiles(files(jf('COMMIT=${GIT_COMMIT:0:7}', '#!/bin/bash -e\n'))))).toEqual([['migrate', []]]);
  });
});

describe('a `return` between the steps of a scripted pipeline', () => {
  const STEPS = ["sh 'docker build -t b -f Dockerfile.build .'", "sh 'docker create --name x b'", "sh 'docker cp x:/out/app app'", "sh 'docker rm x'", "sh 'docker build -t app .'"];
  const plan = (jf: string) => codes(planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jf }));
  const node = (...lines: string[]) => `node {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;

  it('refuses one after the builder build: it ends the node block with success, so that path only compiled', () => {
    expect(plan(node(STEPS[0]!, 'if (env.CHANGE_ID) {', "  echo 'compiled only'", '  return', '}', ...STEPS.slice(1)))).toEqual([['refused', ['CONDITIONAL_STEP']]]);
    expect(plan(`node {\n  stage('c') { ${STEPS[0]} }\n  if (params.COMPILE_ONLY) {\n    return\n  }\n  stage('i') {\n${STEPS.slice(1).map((l) => `    ${l}`).join('\n')}\n  }\n}\n`)).toEqual([['refused', ['CONDITIONAL_STEP']]]);
  });

  it('migrates around a return before every step, or one that ends only a closure of its own', () => {
    expect(plan(node('if (params.SKIP) {', '  return', '}', ...STEPS))).toEqual([['migrate', []]]);
    expect(plan(node(STEPS[0]!, 'def label = {', "  return 'app'", '}', ...STEPS.slice(1)))).toEqual([['migrate', []]]);
  });

  it('reads a block written on one line (`{ return }`, which the grammar wants ended by `;`) as the same block on several', () => {
    expect(plan(node(STEPS[0]!, 'if (env.CHANGE_ID) { return }', ...STEPS.slice(1)))).toEqual([['refused', ['CONDITIONAL_STEP']]]);
    expect(plan(`node {\n  stage('c') {\n    ${STEPS[0]}\n    if (env.CHANGE_ID) { echo 'skip'; return }\n${STEPS.slice(1).map((l) => `    ${l}`).join('\n')}\n  }\n}\n`)).toEqual([['refused', ['CONDITIONAL_STEP']]]);
    expect(plan(node('if (params.SKIP) { return } else { echo "go" }', ...STEPS))).toEqual([['migrate', []]]);
    for (const stmt of ['while (x) { break }', 'for (i in l) { continue }', "if (x) { throw new Exception('no') }"]) expect(read(node(stmt, STEPS[0]!)).script, stmt).not.toBeNull();
    // A `;` missing elsewhere is still a syntax error.
    expect(read(node('if (x) { return', STEPS[0]!)).diagnostics.map((d) => d.code)).toContain('SHELL_PARSE_ERROR');
  });
});
