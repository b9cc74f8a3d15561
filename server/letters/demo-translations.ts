import type { LetterText } from './publish-version.js';

/** The demo letter in French and German, so a fresh clone shows a letter in several languages. */
export const DEMO_TRANSLATIONS: Record<string, LetterText> = {
  fr: {
    title: 'Laissez aux défenseurs leurs outils : reconsidérez le contrôle des exportations des IA qui trouvent les failles',
    summary:
      'Des chercheurs et ingénieurs en sécurité demandent au ministère du Commerce d’exempter du régime de licences d’exportation proposé les modèles d’IA qui trouvent et aident à corriger les failles logicielles.',
    body: `À la ministre du Commerce et aux membres de la commission de contrôle des exportations,

Nous sommes chercheuses et chercheurs en sécurité, mainteneurs de logiciels libres et ingénieurs : notre
métier est de trouver et de corriger les failles que des attaquants exploiteraient sinon. Nous vous
écrivons au sujet du projet de règle qui soumettrait les modèles d’IA capables d’*analyser du code à la
recherche de vulnérabilités* au même régime de licences que les logiciels d’intrusion.

## Ce que ferait le projet de règle

Tel qu’il est rédigé, tout modèle capable de repérer une erreur de sécurité mémoire, de proposer un
correctif ou d’expliquer pourquoi un code est exploitable exigerait une licence d’exportation avant
d’être publié, partagé avec un collègue à l’étranger ou utilisé par un mainteneur dans un autre pays.
La définition ne distingue pas un outil qui *fabrique* des attaques d’un outil qui *trouve et répare*
des faiblesses.

## Pourquoi tout le monde serait moins en sécurité

1. **La défense est collective et mondiale.** Les bibliothèques présentes dans chaque téléphone, chaque
   hôpital et chaque réseau électrique sont maintenues par des bénévoles dans des dizaines de pays.
   Une licence empêche un correctif de franchir une frontière aussi vite que la faille.
2. **Les attaquants ne demanderont pas de licence.** Les adversaires compétents ont déjà leurs outils.
   La règle ralentirait celles et ceux qui signalent et réparent les failles, pas ceux qui les exploitent.
3. **Les petites équipes ne peuvent pas en supporter le coût.** Les grands éditeurs peuvent payer des
   juristes ; le projet de deux personnes qui publie une bibliothèque de compression très utilisée ne le peut pas.
4. **La divulgation coordonnée repose sur le partage.** Reproduire une faille, tester un correctif et
   confirmer une réparation suppose souvent de partager des analyses entre organisations et pays.

## Ce que nous demandons

- Exempter les modèles et outils dont le but premier est de trouver, trier ou corriger des
  vulnérabilités, à l’image des exemptions pour la recherche défensive qui existent déjà pour les
  logiciels d’intrusion.
- Publier une définition technique, ouverte aux commentaires du public, avant toute entrée en vigueur.
- Associer les praticiens — dont les mainteneurs de logiciels libres et les chercheurs indépendants —
  à la consultation de la commission.

Nous partageons l’objectif de tenir les capacités dangereuses hors de portée de ceux qui en abuseraient.
Nous demandons que la règle soit écrite de sorte que celles et ceux qui défendent les infrastructures
communes puissent continuer leur travail.

*Signé à titre personnel ; les affiliations ne sont indiquées qu’à titre d’identification.*
`,
  },
  de: {
    title: 'Lasst den Verteidigern ihre Werkzeuge: Exportkontrollen für KI zur Schwachstellensuche überdenken',
    summary:
      'Sicherheitsforschende und Ingenieurinnen bitten das Handelsministerium, KI-Modelle, die Softwarefehler finden und beheben helfen, von der geplanten Exportgenehmigungspflicht auszunehmen.',
    body: `An die Handelsministerin und die Mitglieder des Prüfungsausschusses für Exportkontrolle,

wir sind Sicherheitsforschende, Maintainer freier Software und Ingenieurinnen und Ingenieure, die ihr
Berufsleben damit verbringen, die Schwachstellen zu finden und zu beheben, die Angreifer sonst
ausnutzen würden. Wir schreiben Ihnen zum Entwurf der Regel, die KI-Modelle, die *Code auf
Schwachstellen analysieren* können, derselben Genehmigungspflicht unterwerfen würde wie Intrusionssoftware.

## Was der Regelentwurf bewirken würde

So wie er formuliert ist, bräuchte jedes Modell, das einen Speicherfehler findet, einen Patch vorschlägt
oder erklärt, warum ein Stück Code ausnutzbar ist, eine Exportgenehmigung, bevor es veröffentlicht, mit
einer Kollegin im Ausland geteilt oder von einem Maintainer in einem anderen Land genutzt werden dürfte.
Die Definition unterscheidet nicht zwischen einem Werkzeug, das Angriffe *baut*, und einem, das
Schwächen *findet und behebt*.

## Warum das alle weniger sicher machen würde

1. **Verteidigung ist gemeinsam und weltweit.** Die Bibliotheken in jedem Telefon, jedem Krankenhaus und
   jedem Stromnetz werden von Freiwilligen in Dutzenden Ländern gepflegt. Eine Genehmigungspflicht hält
   einen Fix an der Grenze auf, die der Fehler längst überquert hat.
2. **Angreifer beantragen keine Genehmigung.** Fähige Gegner haben ihre eigenen Werkzeuge. Die Regel
   bremst diejenigen, die Fehler melden und beheben, nicht die, die sie ausnutzen.
3. **Kleine Teams können die Kosten nicht tragen.** Große Anbieter können sich Exportjuristen leisten;
   das Zwei-Personen-Projekt hinter einer weit verbreiteten Kompressionsbibliothek nicht.
4. **Koordinierte Offenlegung lebt vom Teilen.** Einen Fehler nachzustellen, einen Patch zu testen und
   eine Behebung zu bestätigen heißt oft, Analysen über Organisationen und Grenzen hinweg zu teilen.

## Was wir fordern

- Modelle und Werkzeuge, deren Hauptzweck das Finden, Einordnen oder Beheben von Schwachstellen ist,
  auszunehmen, nach dem Vorbild der Ausnahmen für defensive Forschung, die es für Intrusionssoftware schon gibt.
- Eine technische Definition zu veröffentlichen und zur öffentlichen Stellungnahme zu stellen, bevor
  eine Regel in Kraft tritt.
- Praktikerinnen und Praktiker — auch Maintainer freier Software und unabhängige Forschende — an der
  Anhörung des Ausschusses zu beteiligen.

Wir teilen das Ziel, gefährliche Fähigkeiten aus den falschen Händen zu halten. Wir bitten darum, die
Regel so zu fassen, dass diejenigen, die gemeinsame Infrastruktur verteidigen, ihre Arbeit weiter tun können.

*Unterzeichnet als Privatperson; Zugehörigkeiten dienen nur der Einordnung.*
`,
  },
};
